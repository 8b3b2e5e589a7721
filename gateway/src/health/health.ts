/**
 * `/health`: 200 only when every service in the table answers a cheap RPC within the timeout and
 * the chain head is fresh; otherwise 503. The body reports each check. The head is stale when it
 * is older than `maxHeadAgeMs`; with `idleHeadOk` (a producer that makes blocks only on demand) an
 * old head is idle rather than stale, and the check fails only when the mempool has held
 * transactions, with no new block, for longer than `maxHeadAgeMs` (tracked across probes: the
 * first probe that sees pending transactions on a head starts the clock). A service "answers" when
 * the call resolves or fails with a service-level error (it was reached and replied); timeouts,
 * unreachable servers and non-Cairn failures fail the check.
 */
import { isCairnError } from "@cairn/core";
import { RpcErrorCode } from "@cairn/rpc";
import { classifyFailure } from "../table/invoke.ts";
import type { MethodTable, TableMethod } from "../table/method-table.ts";
import { restJsonResponse } from "../responses.ts";

/** Options of the health check (the `health` section). */
export interface HealthOptions {
  readonly timeoutMs: number;
  readonly maxHeadAgeMs: number;
  /** An old head is fine unless transactions wait longer than `maxHeadAgeMs` (instant production). */
  readonly idleHeadOk?: boolean;
}

/** How blocks are being produced now (a node whose production mode changes at run time). */
export interface ProductionModeView {
  readonly mode: "instant" | "interval" | "manual";
  readonly intervalMs: number;
}

/**
 * The head check's settings for the production mode in force: interval → the head must be
 * younger than `maxHeadAgeMs` (and at least three intervals); instant → an old head is idle
 * unless transactions wait longer than `maxHeadAgeMs`; manual → blocks come only when asked, so
 * nothing is due and the head check is off.
 */
export function headCheckFor(options: HealthOptions, production: ProductionModeView | undefined): Pick<HealthOptions, "maxHeadAgeMs" | "idleHeadOk"> {
  if (production === undefined) return options;
  switch (production.mode) {
    case "interval":
      return { maxHeadAgeMs: Math.max(options.maxHeadAgeMs, 3 * production.intervalMs), idleHeadOk: false };
    case "instant":
      return { maxHeadAgeMs: options.maxHeadAgeMs, idleHeadOk: true };
    case "manual":
      return { maxHeadAgeMs: 0, idleHeadOk: false };
  }
}

/** One check's report. */
export interface CheckReport {
  readonly status: "ok" | "fail";
  readonly [detail: string]: unknown;
}

/** The probe of each known service: a read that touches no large data. */
const PROBES: Readonly<Record<string, string>> = {
  chain: "get_head_info",
  block_store: "get_highest_block",
  transaction_store: "get_transactions_by_id",
  contract_meta_store: "get_contract_meta",
  p2p: "get_gossip_status",
  mempool: "get_pending_transaction_count",
  account_history: "get_account_history",
  block_producer: "get_production_mode",
};

function probeOf(methods: readonly TableMethod[]): TableMethod {
  const service = methods[0]!.service.jsonRpcService;
  return methods.find((m) => m.info.jsonRpcName === PROBES[service]) ?? methods.find((m) => m.info.jsonRpcName.startsWith("get_")) ?? methods[0]!;
}

/** `promise`, or a rejection after `ms` (the timer is cleared either way). */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Builds the /health handler. `now` gives wall-clock ms (the head time is wall-clock).
 * `productionMode`, when given, is read on every probe and decides the head check
 * ({@link headCheckFor}), so a node whose mode changes at run time is judged by its current mode.
 */
export function createHealthCheck(options: HealthOptions, deps: { readonly table: MethodTable; readonly now?: () => number; readonly productionMode?: () => ProductionModeView | undefined }) {
  const now = deps.now ?? Date.now;
  const byService = new Map<string, TableMethod[]>();
  for (const m of deps.table.methods) {
    const list = byService.get(m.service.jsonRpcService) ?? [];
    list.push(m);
    byService.set(m.service.jsonRpcService, list);
  }
  const probes = [...byService.values()].map(probeOf);
  /** Since when transactions have been pending on the current head (idleHeadOk). */
  let waiting: { head: string; since: number } | undefined;

  async function probe(m: TableMethod): Promise<{ name: string; report: CheckReport; response?: unknown }> {
    const started = performance.now();
    const latency = () => Math.round((performance.now() - started) * 100) / 100;
    try {
      const response = await within(m.call(m.input.fns.create(), { deadlineMs: options.timeoutMs }), options.timeoutMs);
      return { name: m.service.jsonRpcService, report: { status: "ok", method: m.name, latency_ms: latency() }, response };
    } catch (err) {
      const f = classifyFailure(err);
      // Reached and replied, even if with an error (or "not implemented"): the service is up.
      if (f.kind === "service" || (isCairnError(err) && err.code === RpcErrorCode.Unimplemented)) return { name: m.service.jsonRpcService, report: { status: "ok", method: m.name, latency_ms: latency() } };
      const reason = f.kind === "timeout" ? `no answer within ${options.timeoutMs} ms` : f.kind === "unavailable" ? f.reason : err instanceof Error ? err.message : String(err);
      return { name: m.service.jsonRpcService, report: { status: "fail", method: m.name, latency_ms: latency(), error: reason } };
    }
  }

  function headReport(response: unknown, pending: bigint | undefined): CheckReport {
    if (response === undefined) return { status: "fail", error: "chain.get_head_info did not answer" };
    const production = deps.productionMode?.();
    const check = headCheckFor(options, production);
    const r = response as { head_topology?: { height?: bigint; id?: Uint8Array }; head_block_time?: bigint };
    const time = Number(r.head_block_time ?? 0n);
    const at = now();
    const age = at - time;
    const details = { height: String(r.head_topology?.height ?? 0n), head_block_time: String(time), age_ms: age, max_age_ms: check.maxHeadAgeMs, ...(production ? { production_mode: production.mode } : {}) };
    if (check.maxHeadAgeMs === 0 || age <= check.maxHeadAgeMs) return { status: "ok", ...details };
    if (!check.idleHeadOk) return { status: "fail", ...details, error: "head is stale" };
    // Instant production: an old head is idle unless transactions wait for a block.
    const head = Buffer.from(r.head_topology?.id ?? new Uint8Array()).toString("hex");
    if (pending === undefined) return { status: "fail", ...details, error: "head is old and the mempool did not answer" };
    if (pending === 0n) {
      waiting = undefined;
      return { status: "ok", ...details, idle: true };
    }
    if (waiting === undefined || waiting.head !== head) waiting = { head, since: at };
    const waited = at - waiting.since;
    if (waited > check.maxHeadAgeMs) return { status: "fail", ...details, pending: String(pending), pending_ms: waited, error: "transactions pending with no new block" };
    return { status: "ok", ...details, pending: String(pending), pending_ms: waited };
  }

  return async (): Promise<Response> => {
    const results = await Promise.all(probes.map(probe));
    const checks: Record<string, CheckReport> = {};
    for (const r of results) checks[r.name] = r.report;
    const chain = results.find((r) => r.name === "chain");
    const mempool = results.find((r) => r.name === "mempool");
    const pending = (mempool?.response as { count?: bigint } | undefined)?.count;
    if (chain !== undefined) checks.head = headReport(chain.response, mempool === undefined ? 0n : pending);
    else checks.chain = { status: "fail", error: "no chain service configured" };
    const healthy = Object.values(checks).every((c) => c.status === "ok");
    return restJsonResponse(JSON.stringify({ status: healthy ? "ok" : "unavailable", checks }), healthy ? 200 : 503);
  };
}
