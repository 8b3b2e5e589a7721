/** The chain's metrics, declared in one place. */
import { prom, type MetricsRegistry } from "@cairn/core";

/** Reads the head block's timestamp (ms since the epoch), or undefined before the chain has loaded. */
export type HeadTime = () => bigint | number | undefined;

export function createChainMetrics(registry: MetricsRegistry, headTime: HeadTime = () => undefined) {
  return {
    blocksApplied: new prom.Counter({ name: "cairn_chain_blocks_applied_total", help: "Blocks applied, by whether they became head", labelNames: ["head"], registers: [registry] }),
    blocksRejected: new prom.Counter({ name: "cairn_chain_blocks_rejected_total", help: "Blocks rejected", registers: [registry] }),
    transactions: new prom.Counter({ name: "cairn_chain_transactions_submitted_total", help: "submit_transaction calls by outcome", labelNames: ["outcome"], registers: [registry] }),
    republished: new prom.Counter({ name: "cairn_chain_republished_total", help: "Events the delivery audit published again because they were not delivered, by what", labelNames: ["what"], registers: [registry] }),
    headHeight: new prom.Gauge({ name: "cairn_chain_head_height", help: "Head block height", registers: [registry] }),
    libHeight: new prom.Gauge({ name: "cairn_chain_lib_height", help: "Last irreversible block height", registers: [registry] }),
    headAge: new prom.Gauge({
      name: "cairn_chain_head_block_age_seconds",
      help: "Seconds since the head block's timestamp, read at scrape time (a stale head grows it)",
      registers: [registry],
      collect() {
        const t = headTime();
        if (t !== undefined) this.set(Math.max(0, (Date.now() - Number(t)) / 1000));
      },
    }),
    blockSeconds: new prom.Histogram({ name: "cairn_chain_block_apply_duration_seconds", help: "Time to apply and commit a block", buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [registry] }),
  };
}

export type ChainMetrics = ReturnType<typeof createChainMetrics>;
