/** Account history options (defaults → config file → env → flags, validated by this schema). */
import { commonOptions, databaseUrlSchema } from "@cairn/config";
import { z } from "zod";
import { DEFAULT_RECORD_CACHE_BYTES } from "./record-cache.ts";

/** The `account-history` configuration section. */
export const accountHistoryOptionsSchema = commonOptions({ service: "account-history", grpcPort: 50054, metricsPort: 9454 }).extend({
  /**
   * A Postgres streaming replica of `databaseUrl` that answers `get_account_history`. Unset: the
   * primary answers. `DATABASE_READ_URL` is honoured. History read there may be a few commits
   * behind the indexer, which writes and plans on `databaseUrl`.
   */
  databaseReadUrl: databaseUrlSchema.optional(),
  /** Block store gRPC address: catch-up, fork switches and rebuilds read blocks and receipts there. */
  blockStoreAddress: z.string().min(1).default("127.0.0.1:50052"),
  /** Chain gRPC address: the head to catch up to, and the LIB, at start and after gaps. */
  chainAddress: z.string().min(1).default("127.0.0.1:50051"),
  /** Blocks fetched and applied per database transaction while catching up or rebuilding. Default 100. */
  batchSize: z.number().int().min(1).max(1000).default(100),
  /**
   * Bytes of decoded history records kept for reads (estimated as 4× their protobuf size; least
   * recently used dropped first), each with its content key for the gateway's JSON cache. 0
   * decodes every record on every read. Default 16 MiB (about 5,000 KOIN transfer records).
   */
  recordCacheBytes: z.number().int().min(0).default(DEFAULT_RECORD_CACHE_BYTES),
  /**
   * How often account history compares its head with the chain's, ms; still below the head the
   * previous check saw, it catches up from the block store (block events the bus stopped delivering,
   * e.g. a durable consumer lost with a NATS restart, would otherwise leave it behind for good).
   * 0 turns it off. Default 5000.
   */
  resyncMs: z.number().int().min(0).default(5_000),
});

/** Account history options once loaded. */
export type AccountHistoryOptions = z.output<typeof accountHistoryOptionsSchema>;
