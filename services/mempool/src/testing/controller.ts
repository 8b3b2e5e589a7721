/** A Mempool controller on an in-memory store and a FakeChain, with a movable clock. */
import { silentLogger } from "@cairn/core";
import type { broadcast } from "@cairn/proto";
import { type MempoolControllerOptions, Mempool, defaultMempoolControllerOptions } from "../mempool.ts";
import { createMempoolMetrics, type MempoolMetrics } from "../metrics.ts";
import { MemoryMempoolStore } from "../store/memory-store.ts";
import { FakeChain } from "./fixtures.ts";

/** What {@link createTestMempool} returns. */
export interface TestMempool {
  m: Mempool;
  chain: FakeChain;
  store: MemoryMempoolStore;
  metrics: MempoolMetrics;
  /** Every `koinos.mempool.accept` the controller produced. */
  published: broadcast.MempoolAccepted[];
  /** Moves the injected clock forward. */
  advance(ms: number): void;
}

/** Builds (and loads) a controller; pass a store/chain to simulate a restart. */
export async function createTestMempool(cfg: Partial<MempoolControllerOptions> = {}, o: { store?: MemoryMempoolStore; chain?: FakeChain; onFailed?: (f: { id: Uint8Array; reason: string }) => void } = {}): Promise<TestMempool> {
  const chain = o.chain ?? new FakeChain();
  const store = o.store ?? new MemoryMempoolStore();
  const metrics = createMempoolMetrics();
  const published: broadcast.MempoolAccepted[] = [];
  let clock = 1_000_000;
  const m = new Mempool({ ...defaultMempoolControllerOptions, flushDelayMs: 1, ...cfg }, { store, chain, blocks: chain, logger: silentLogger(), metrics, onAccepted: (a) => published.push(a), onFailed: o.onFailed, now: () => clock });
  await m.load();
  return { m, chain, store, metrics, published, advance: (ms) => void (clock += ms) };
}

/** Current value of a counter/gauge (optionally one label set). */
export async function metricValue(metric: { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> }, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await metric.get();
  const hit = values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return hit?.value ?? 0;
}
