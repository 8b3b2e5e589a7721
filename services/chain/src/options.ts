/** Chain service options (defaults → config file → env → flags, validated by this schema). */
import { commonOptions } from "@cairn/config";
import { IRREVERSIBLE_THRESHOLD } from "@cairn/protocol";
import { z } from "zod";

export const chainOptionsSchema = commonOptions({ service: "chain", grpcPort: 50051, metricsPort: 9451 }).extend({
  /** Blocks between head and LIB. Default 60, as Koinos. */
  irreversibleThreshold: z.number().int().min(1).default(IRREVERSIBLE_THRESHOLD),
  /** Fork choice: `fifo` (longest chain, first seen wins ties) or `block-time` (ties → earlier block). */
  forkChoice: z.enum(["fifo", "block-time"]).default("fifo"),
  /** Compute cap for read_contract, ticks. Default 10,000,000. */
  readComputeLimit: z.number().int().positive().default(10_000_000),
  /** A Koinos genesis JSON file; when unset a dev genesis is generated from `devSeed`. */
  genesisFile: z.string().optional(),
  /** Seed of the dev genesis: producer key sha256("<seed> producer"), accounts sha256("<seed> <i>"). */
  devSeed: z.string().min(1).default("cairn dev"),
  /** Number of funded dev accounts. Default 10. */
  devAccounts: z.number().int().min(0).max(1000).default(10),
  /** KOIN each dev account holds (whole KOIN, 8 decimals). Default 1,000,000. */
  devBalance: z.number().int().positive().default(1_000_000),
  /** Address of the native KOIN contract. Default: mainnet KOIN, so koilib's defaults work. */
  koinAddress: z.string().default("15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL"),
  /** Mempool gRPC address for the checks of submit_transaction; empty: no mempool checks. */
  mempoolAddress: z.string().default("127.0.0.1:50053"),
  /** Block store gRPC address: blocks are added there before they commit, and --reindex reads them back. */
  blockStoreAddress: z.string().default("127.0.0.1:50052"),
  /**
   * Most accepted transactions awaiting the mempool's confirmation (the pending window); a full
   * window refuses submissions with a clear error. Default 50,000.
   */
  pendingWindowSize: z.number().int().min(1).max(10_000_000).default(50_000),
  /**
   * How often the delivery audit checks that the mempool and block store received what the chain
   * published, and publishes again what they did not (the bus can lose acknowledged messages), ms.
   * 0 turns it off. Default 1,000.
   */
  deliveryAuditMs: z.number().int().min(0).default(1_000),
  /** Delivery audit: a transaction the mempool does not hold this long after its publish is published again, ms. Default 5,000. */
  republishAfterMs: z.number().int().min(100).default(5_000),
  /**
   * Delivery audit: an accepted transaction the mempool has neither taken nor failed (a lost
   * accept, or a mempool far behind) is published again with growing spacing (after
   * `republishAfterMs`, then twice that, …, at most five times) and stays in the pending window,
   * counting against the mempool's free places; this long after its acceptance the chain ends it
   * itself: it publishes `koinos.transaction.fail` ("expired: the mempool did not take the
   * transaction within …") and drops it, ms. Default 120,000: the mempool's expiration (Koinos's
   * mempool prunes pending transactions after 120 s).
   */
  deliveryTimeoutMs: z.number().int().min(1_000).default(120_000),
  /**
   * How long `koinos.transaction.accept` has to be stored on the bus before `submit_transaction`
   * fails, ms. Keep it under the gateway's `jsonRpc.timeoutMs` (5,000): koilib reads a
   * "context deadline exceeded" answer as a receipt. Default 3,000.
   */
  publishTimeoutMs: z.number().int().min(100).default(3_000),
  /**
   * Recover transaction signers on a worker thread (one per chain), so the chain's thread keeps
   * executing while the submissions in flight are recovered beside it. Default true; false
   * recovers every signature in line.
   */
  recoveryWorker: z.boolean().default(true),
  /** Rebuild chain state from the block store at start. */
  reindex: z.boolean().default(false),
});

export type ChainServiceOptions = z.output<typeof chainOptionsSchema>;

/** 10^8: KOIN satoshis per KOIN. */
export const KOIN_UNIT = 100_000_000n;
