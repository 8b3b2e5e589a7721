/** The mempool's metrics, declared in one place (architecture §9 naming: `cairn_mempool_*`). */
import { prom } from "@cairn/core";

/** Why a pending transaction left the mempool. */
export type RemovalReason = "included" | "stale_nonce" | "nonce_gap" | "failed" | "expired";
/** Why a transaction accepted by the chain was not kept. */
export type RejectionReason = "pool_full" | "account_limit" | "nonce_taken" | "malformed";

/** The metric objects the mempool updates. */
export interface MempoolMetrics {
  /** `cairn_mempool_pending_transactions`: transactions pending now. */
  pending: prom.Gauge;
  /** `cairn_mempool_accepted_total`: transactions added to the pending set. */
  accepted: prom.Counter;
  /** `cairn_mempool_removed_total{reason}`: transactions that left it. */
  removed: prom.Counter<"reason">;
  /** `cairn_mempool_rejected_total{reason}`: accepted by the chain but not kept (limits, conflicts). */
  rejected: prom.Counter<"reason">;
}

/** Registers (or, on a shared registry, reuses) the mempool's metrics. Default: a private registry. */
export function createMempoolMetrics(registry: prom.Registry = new prom.Registry()): MempoolMetrics {
  const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  return {
    pending:
      existing<prom.Gauge>("cairn_mempool_pending_transactions") ??
      new prom.Gauge({ name: "cairn_mempool_pending_transactions", help: "Transactions pending in the mempool", registers: [registry] }),
    accepted:
      existing<prom.Counter>("cairn_mempool_accepted_total") ??
      new prom.Counter({ name: "cairn_mempool_accepted_total", help: "Transactions added to the mempool", registers: [registry] }),
    removed:
      existing<prom.Counter<"reason">>("cairn_mempool_removed_total") ??
      new prom.Counter({ name: "cairn_mempool_removed_total", help: "Transactions removed from the mempool, by reason", labelNames: ["reason"], registers: [registry] }),
    rejected:
      existing<prom.Counter<"reason">>("cairn_mempool_rejected_total") ??
      new prom.Counter({ name: "cairn_mempool_rejected_total", help: "Transactions accepted by the chain that the mempool did not keep, by reason", labelNames: ["reason"], registers: [registry] }),
  };
}
