/**
 * Every metric the gateway exports, declared in one place. Labels are bounded: `method` is a
 * JSON-RPC method from the table, a REST route pattern, or `unknown`; `outcome` is one of
 * {@link Outcome}.
 */
import { prom, type MetricsRegistry } from "@cairn/core";
import { RequestStats } from "./request-stats.ts";

/** How a call ended. */
export type Outcome =
  | "ok"
  /** The service answered with an error (chain error, not found...). */
  | "service_error"
  /** The gateway refused it: bad envelope, unknown or denied method, bad params, too large. */
  | "rejected"
  | "timeout"
  | "rate_limited"
  /** The service could not be reached or failed unexpectedly. */
  | "internal_error";

/** Label used for methods that are not in the table (keeps cardinality bounded). */
export const UNKNOWN_METHOD = "unknown";

/** The gateway's metrics. */
export interface GatewayMetrics {
  /** Counts one finished call (JSON-RPC call, REST request) and records its duration. */
  observe(method: string, outcome: Outcome, seconds: number): void;
  /** Open WebSocket connections. */
  readonly wsConnections: prom.Gauge;
  /** WebSocket messages pushed to clients, by topic. */
  readonly wsMessages: prom.Counter<"topic">;
  /** WebSocket clients closed for not reading fast enough. */
  readonly wsSlowClients: prom.Counter;
  /** The registry they live in (served at /metrics). */
  readonly registry: MetricsRegistry;
}

/** Duration buckets in seconds: sub-millisecond reads up to the 5 s timeout. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Request stats already registered per registry (several apps may share one). */
const statsByRegistry = new WeakMap<MetricsRegistry, RequestStats>();

/** Registers the gateway's metrics in `registry` (once per registry). */
export function createGatewayMetrics(registry: MetricsRegistry): GatewayMetrics {
  let stats = statsByRegistry.get(registry);
  if (stats === undefined) {
    stats = new RequestStats(DURATION_BUCKETS);
    stats.register(
      registry,
      { name: "cairn_gateway_requests_total", help: "JSON-RPC calls and REST requests, by method and outcome" },
      { name: "cairn_gateway_request_duration_seconds", help: "Time from a call's decoding to its encoded answer, by method" },
    );
    statsByRegistry.set(registry, stats);
  }
  const wsConnections = getOrCreate(registry, "cairn_gateway_ws_connections", () =>
    new prom.Gauge({ name: "cairn_gateway_ws_connections", help: "Open WebSocket connections", registers: [registry] }),
  );
  const wsMessages = getOrCreate(registry, "cairn_gateway_ws_messages_total", () =>
    new prom.Counter({ name: "cairn_gateway_ws_messages_total", help: "Messages pushed to WebSocket clients, by topic", labelNames: ["topic"] as const, registers: [registry] }),
  );
  const wsSlowClients = getOrCreate(registry, "cairn_gateway_ws_slow_clients_total", () =>
    new prom.Counter({ name: "cairn_gateway_ws_slow_clients_total", help: "WebSocket clients closed because their send buffer exceeded the limit", registers: [registry] }),
  );
  const requestStats = stats;
  return {
    observe: (method, outcome, seconds) => requestStats.observe(method, outcome, seconds),
    wsConnections,
    wsMessages,
    wsSlowClients,
    registry,
  };
}

function getOrCreate<T>(registry: MetricsRegistry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
