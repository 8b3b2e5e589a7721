/** Account history's metrics, declared in one place. */
import { prom, type MetricsRegistry } from "@cairn/core";

/** Creates account history's metrics in `registry`. */
export function createAccountHistoryMetrics(registry: MetricsRegistry) {
  return {
    blocksApplied: new prom.Counter({ name: "cairn_account_history_blocks_applied_total", help: "Blocks applied to the read model, by how they arrived (event, catch_up, rebuild)", labelNames: ["source"], registers: [registry] }),
    blocksReverted: new prom.Counter({ name: "cairn_account_history_blocks_reverted_total", help: "Blocks removed from the read model by fork switches", registers: [registry] }),
    forkSwitches: new prom.Counter({ name: "cairn_account_history_fork_switches_total", help: "Fork switches applied", registers: [registry] }),
    entriesWritten: new prom.Counter({ name: "cairn_account_history_entries_written_total", help: "History entries written", registers: [registry] }),
    conflicts: new prom.Counter({ name: "cairn_account_history_write_conflicts_total", help: "Writes that found the head moved by another writer and were planned again", registers: [registry] }),
    events: new prom.Counter({ name: "cairn_account_history_events_total", help: "Bus events handled, by subject and outcome", labelNames: ["subject", "outcome"], registers: [registry] }),
    headHeight: new prom.Gauge({ name: "cairn_account_history_head_height", help: "Height of the last applied block", registers: [registry] }),
    chainHeadHeight: new prom.Gauge({ name: "cairn_account_history_chain_head_height", help: "Height of the chain head at the last head check", registers: [registry] }),
    resyncs: new prom.Counter({ name: "cairn_account_history_resyncs_total", help: "Head checks that found the read model behind the chain head and caught up from the block store", registers: [registry] }),
    libHeight: new prom.Gauge({ name: "cairn_account_history_lib_height", help: "Last irreversible height known", registers: [registry] }),
    applySeconds: new prom.Histogram({ name: "cairn_account_history_apply_duration_seconds", help: "Time to apply one batch of blocks (one database transaction)", buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [registry] }),
  };
}

/** Account history's metrics. */
export type AccountHistoryMetrics = ReturnType<typeof createAccountHistoryMetrics>;
