/**
 * Options of `cairn rebuild block-store` and `cairn rebuild account-history`: each service's own
 * options (same config file section, `CAIRN_BLOCK_STORE_*` / `CAIRN_ACCOUNT_HISTORY_*` env and
 * flags, so the rebuild opens the database the service uses) plus the rebuild's.
 */
import { accountHistoryOptionsSchema } from "@cairn/account-history";
import { blockStoreOptionsSchema } from "@cairn/block-store";
import { logLevelSchema } from "@cairn/config";
import { z } from "zod";

/** `cairn rebuild block-store`. */
export const rebuildBlockStoreOptionsSchema = blockStoreOptionsSchema.extend({
  /**
   * Where the blocks come from. `events` (default, the only one available): replay
   * `koinos.block.accept` from the JetStream stream. `chain` is refused: the chain keeps block
   * bodies only above the LIB and serves no block-reading RPC (its `--reindex` reads the block
   * store, not the other way round).
   */
  source: z.enum(["events", "chain"]).default("events"),
  /** JetStream stream holding the events. Default `KOINOS` (the services' default). */
  stream: z.string().min(1).default("KOINOS"),
  /** Subject prefix on the wire, when the bus was configured with one. Default none. */
  subjectPrefix: z.string().default(""),
  /**
   * Run even when the block store service looks live (answers gRPC health at `serviceAddress`,
   * or its durable consumer is being pulled from), and empty the store even when the stream holds
   * no block or does not start at block 1 (blocks below are lost). Default false.
   */
  force: z.boolean().default(false),
  /** Where the running service would answer gRPC health. Default `127.0.0.1:<grpcPort>` (50052, a `cairn dev` node's too). */
  serviceAddress: z.string().min(1).optional(),
  /**
   * Rebuild inside a `cairn dev` data directory (`<dir>/pglite`: one PGlite, a schema per service)
   * instead of `databaseUrl`. A dev node on the in-process bus leaves no stream to replay: the
   * command then refuses and says so; pass the node's `--nats-url` when it ran on NATS.
   */
  devData: z.string().min(1).optional(),
  /** Logs go to stderr. Default `warn`: stdout carries the progress. */
  logLevel: logLevelSchema.default("warn"),
});

/** Options of `cairn rebuild block-store` once loaded. */
export type RebuildBlockStoreOptions = z.output<typeof rebuildBlockStoreOptionsSchema>;

/** `cairn rebuild account-history`: the service's options (`databaseUrl`, `blockStoreAddress`, `batchSize`). */
export const rebuildAccountHistoryOptionsSchema = accountHistoryOptionsSchema.extend({
  /**
   * Blocks per database transaction of the rebuild, gathered from requests of `batchSize` blocks
   * (the reads run ahead while a transaction is written). Each transaction costs a few round trips
   * whatever its size, so the rebuild writes larger ones than the service's catch-up. Default 1000.
   */
  transactionBlocks: z.number().int().min(1).max(10_000).default(1000),
  /** Run even when the account history service looks live (gRPC health, or its durable consumer active). Default false. */
  force: z.boolean().default(false),
  /** Where the running service would answer gRPC health. Default `127.0.0.1:<grpcPort>` (50054, a `cairn dev` node's too). */
  serviceAddress: z.string().min(1).optional(),
  /** JetStream stream whose `account_history` durable consumer is checked when `natsUrl` is set. Default `KOINOS`. */
  stream: z.string().min(1).default("KOINOS"),
  /**
   * Rebuild inside a `cairn dev` data directory (`<dir>/pglite`) instead of `databaseUrl`: the
   * blocks are read from the block store's schema in the same PGlite, so no service needs to run.
   */
  devData: z.string().min(1).optional(),
  /** Logs go to stderr. Default `warn`: stdout carries the progress. */
  logLevel: logLevelSchema.default("warn"),
});

/** Options of `cairn rebuild account-history` once loaded. */
export type RebuildAccountHistoryOptions = z.output<typeof rebuildAccountHistoryOptionsSchema>;
