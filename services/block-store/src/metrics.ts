/**
 * The block store's metrics, declared in one place (STYLE 9). Names carry their unit. Metrics are
 * fetched from the registry when already registered, so several block-store nodes (tests, the
 * one-process node) can share one registry.
 */
import { prom } from "@cairn/core";

/** Where a stored block came from: the chain's `AddBlock` call or a `koinos.block.accept` event. */
export type BlockOrigin = "add_block" | "event";

/** Every metric the block store updates. */
export interface BlockStoreMetrics {
  /** `cairn_block_store_blocks_stored_total{source}`: blocks newly written. */
  blocksStored: prom.Counter<"source">;
  /** `cairn_block_store_duplicate_blocks_total{source}`: blocks that were already stored (idempotent no-ops). */
  duplicateBlocks: prom.Counter<"source">;
  /** `cairn_block_store_store_block_duration_seconds`: time to store one block (its database transaction). */
  storeDuration: prom.Histogram;
  /** `cairn_block_store_request_duration_seconds{method}`: time spent answering each RPC. */
  requestDuration: prom.Histogram<"method">;
  /** `cairn_block_store_events_total{result}`: `koinos.block.accept` messages handled (`stored`, `duplicate`, `invalid`). */
  events: prom.Counter<"result">;
  /** `cairn_block_store_highest_block_height`: height of the highest block this process stored. */
  highestHeight: prom.Gauge;
}

/** Short, sub-millisecond-heavy buckets: most reads hit memory or one index lookup. */
const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

function getOrCreate<T>(registry: prom.Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** Registers (or reuses) the block store's metrics in `registry`; a private registry by default. */
export function createBlockStoreMetrics(registry: prom.Registry = new prom.Registry()): BlockStoreMetrics {
  const registers = [registry];
  return {
    blocksStored: getOrCreate(registry, "cairn_block_store_blocks_stored_total", () => new prom.Counter({ name: "cairn_block_store_blocks_stored_total", help: "Blocks newly stored, by source", labelNames: ["source"] as const, registers })),
    duplicateBlocks: getOrCreate(registry, "cairn_block_store_duplicate_blocks_total", () => new prom.Counter({ name: "cairn_block_store_duplicate_blocks_total", help: "Blocks received that were already stored, by source", labelNames: ["source"] as const, registers })),
    storeDuration: getOrCreate(registry, "cairn_block_store_store_block_duration_seconds", () => new prom.Histogram({ name: "cairn_block_store_store_block_duration_seconds", help: "Time to store one block", buckets: BUCKETS, registers })),
    requestDuration: getOrCreate(registry, "cairn_block_store_request_duration_seconds", () => new prom.Histogram({ name: "cairn_block_store_request_duration_seconds", help: "Time to answer a block or transaction store RPC, by method", labelNames: ["method"] as const, buckets: BUCKETS, registers })),
    events: getOrCreate(registry, "cairn_block_store_events_total", () => new prom.Counter({ name: "cairn_block_store_events_total", help: "koinos.block.accept messages handled, by result", labelNames: ["result"] as const, registers })),
    highestHeight: getOrCreate(registry, "cairn_block_store_highest_block_height", () => new prom.Gauge({ name: "cairn_block_store_highest_block_height", help: "Height of the highest block stored by this process", registers })),
  };
}
