/** Prometheus metrics: one registry per process, default process metrics, `cairn_` prefix. */
import client from "prom-client";

export type MetricsRegistry = client.Registry;
export { client as prom };

/**
 * prom-client's default metrics that are gauges named `_total`, which Prometheus reserves for
 * counters (`promtool check metrics` rejects them). Their per-type twins without the suffix
 * (`cairn_nodejs_active_handles{type}` …) stay; `sum()` of those gives the same totals.
 */
const MISNAMED_DEFAULT_GAUGES = ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"];

/**
 * prom-client's per-heap-space gauges (`v8.getHeapSpaceStatistics()`). Under Bun that call walks
 * the whole heap: ~200 ms of blocked main thread per scrape with a few hundred thousand live
 * objects, i.e. a stall of every service at each Prometheus scrape (every 15 s in
 * deploy/monitoring) and ~1% of its CPU. And Bun fills only `old_space`, which
 * `cairn_nodejs_heap_size_used_bytes` and `_total_bytes` already report.
 */
const COSTLY_DEFAULT_GAUGES = ["nodejs_heap_space_size_total_bytes", "nodejs_heap_space_size_used_bytes", "nodejs_heap_space_size_available_bytes"];

/** A fresh registry with the default process metrics labelled by service. */
export function createMetricsRegistry(service: string, collectDefaults = true): client.Registry {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  if (collectDefaults) {
    client.collectDefaultMetrics({ register: registry, prefix: "cairn_" });
    for (const name of [...MISNAMED_DEFAULT_GAUGES, ...COSTLY_DEFAULT_GAUGES]) registry.removeSingleMetric(`cairn_${name}`);
  }
  return registry;
}

/**
 * The metric `name` already registered in `registry`, or the one `create` registers: for metrics
 * that several components sharing one registry declare (the one-process node, tests).
 */
export function getOrCreateMetric<T>(registry: client.Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * Serves `registry` on `port` at `/metrics` with Bun.serve; returns a stop function. `hostname`
 * defaults to loopback: services pass the address their gRPC server binds.
 */
export function serveMetrics(registry: client.Registry, port: number, hostname = "127.0.0.1"): { port: number; stop: () => void } {
  const server = Bun.serve({
    port,
    hostname,
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname !== "/metrics") return new Response("not found", { status: 404 });
      return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
    },
  });
  return { port: server.port ?? port, stop: () => server.stop(true) };
}
