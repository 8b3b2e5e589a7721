/** Prometheus metrics: one registry per process, default process metrics, `cairn_` prefix. */
import client from "prom-client";

export type MetricsRegistry = client.Registry;
export { client as prom };

/** A fresh registry with the default process metrics labelled by service. */
export function createMetricsRegistry(service: string, collectDefaults = true): client.Registry {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  if (collectDefaults) client.collectDefaultMetrics({ register: registry, prefix: "cairn_" });
  return registry;
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
