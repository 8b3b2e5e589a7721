/** Block producer options. */
import { commonOptions } from "@cairn/config";
import { z } from "zod";

export const blockProducerOptionsSchema = commonOptions({ service: "block-producer", grpcPort: 50055, metricsPort: 9455 }).extend({
  /** `instant` (a block as soon as transactions are pending), `interval` or `manual`. */
  mode: z.enum(["instant", "interval", "manual"]).default("instant"),
  /** Interval mode: ms between blocks. Default 3000. */
  intervalMs: z.number().int().min(10).default(3000),
  /** Producer (genesis) key as WIF. When unset: sha256("<devSeed> producer"), the dev genesis key. */
  producerKey: z.string().optional(),
  /** Seed of the dev genesis (must match the chain's). */
  devSeed: z.string().min(1).default("cairn dev"),
  /** Chain gRPC address. */
  chainAddress: z.string().default("127.0.0.1:50051"),
  /** Mempool gRPC address. */
  mempoolAddress: z.string().default("127.0.0.1:50053"),
  /** Instant mode: ms to gather transactions after the first arrives, so load makes big blocks. Default 25. */
  instantBatchMs: z.number().int().min(0).max(10_000).default(25),
  /**
   * Instant mode: with nothing pending, look at the mempool again after this long anyway, so a
   * `koinos.mempool.accept` lost on the bus delays a block by at most this much, ms. 0: only on
   * notifications. Default 2000.
   */
  idlePollMs: z.number().int().min(0).default(2_000),
  /**
   * gRPC health turns NOT_SERVING when no block was made for this long although one was due
   * (interval mode: at least two intervals; instant mode: after a failed attempt), ms. Default 60000.
   */
  stallAfterMs: z.number().int().min(100).default(60_000),
  /** Most transactions per block (the mempool returns at most 2000). */
  maxTransactionsPerBlock: z.number().int().min(1).max(2000).default(2000),
});

export type BlockProducerServiceOptions = z.output<typeof blockProducerOptionsSchema>;
