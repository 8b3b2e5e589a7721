/**
 * The mempool service's options: the common fragment every Cairn service shares (`@cairn/config`:
 * logLevel, logFormat, databaseUrl, natsUrl, grpcHost, grpcPort, metricsPort) extended with the
 * mempool's own. Validated once at start; each field documents its default and why.
 */
import { commonOptions, portSchema } from "@cairn/config";
import { IRREVERSIBLE_THRESHOLD } from "@cairn/protocol";
import { z } from "zod";

/** Pending-set limits (config section `limits`). */
export const mempoolLimitsSchema = z.object({
  /**
   * Pending transactions in all. Default 10,000: five full blocks at the 2,000-per-request limit,
   * a few MB of memory. A new transaction beyond it is not kept (logged and counted), so the ones
   * already pending stay.
   */
  maxPendingTransactions: z.number().int().positive().default(10_000),
  /**
   * Pending transactions per nonce account. Default 1,000: room for scripts sending bursts, while
   * one account cannot fill the pool.
   */
  maxPendingPerAccount: z.number().int().positive().default(1_000),
});

/** Every option of the mempool service. */
export const mempoolOptionsSchema = commonOptions({ service: "mempool", grpcPort: 50053, metricsPort: 9453 }).extend({
  /** gRPC port. Default 50053 (architecture §1); 0 = ephemeral (tests); null = no server (in-process use only). */
  grpcPort: portSchema.nullable().default(50053),
  /** Chain gRPC address (confirmed nonces and head, for catch-up and fork switches). Default `127.0.0.1:50051`. */
  chainAddress: z.string().min(1).default("127.0.0.1:50051"),
  /** Block store gRPC address (blocks missed while down, fork branches). Default `127.0.0.1:50052`. */
  blockStoreAddress: z.string().min(1).default("127.0.0.1:50052"),
  /**
   * A pending transaction older than this is dropped, ms. Default 120,000: far longer
   * than any block interval, short enough that a stuck transaction does not hold its account long.
   */
  expirationMs: z.number().int().positive().default(120_000),
  /** Pending-set limits. */
  limits: mempoolLimitsSchema.default({ maxPendingTransactions: 10_000, maxPendingPerAccount: 1_000 }),
  /**
   * Blocks between the chain head and its LIB. Default 60 (Koinos; keep equal to the chain's): no
   * fork switch reaches deeper, so after one this many blocks below the last applied head are re-read.
   */
  irreversibleThreshold: z.number().int().min(1).default(IRREVERSIBLE_THRESHOLD),
  /**
   * How often the mempool compares the head it reflects with the chain's, ms; behind on two checks
   * in a row with the same chain head, it catches up from the block store (a `koinos.block.accept`
   * the bus never delivered would otherwise hold up every block: the producer asks for pending
   * transactions on the head). 0 turns it off. Default 2000.
   */
  resyncMs: z.number().int().min(0).default(2_000),
});

/** Options of the mempool service (see {@link mempoolOptionsSchema} for each field). */
export type MempoolOptions = z.output<typeof mempoolOptionsSchema>;

/** Every option at its default. */
export const defaultMempoolOptions: MempoolOptions = mempoolOptionsSchema.parse({});
