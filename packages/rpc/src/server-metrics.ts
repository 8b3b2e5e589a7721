/** The gRPC server's metrics, declared in one place. */
import { prom } from "@cairn/core";

/** What the handler wrapper records per finished call. */
export interface GrpcServerMetrics {
  /** One finished call of `method` (name without leading slash) with gRPC status name `code`. */
  observe(method: string, code: string, seconds: number): void;
}

/** Buckets from 0.5 ms to 10 s: most internal calls finish in a few ms, block application may take seconds. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function getOrCreate<T extends prom.Metric>(registry: prom.Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * `cairn_grpc_server_requests_total{method,code}` and
 * `cairn_grpc_server_request_duration_seconds{method}` on `registry`. Reuses them when already
 * registered (several servers in one process share a registry). Without a registry, a no-op.
 */
export function createGrpcServerMetrics(registry: prom.Registry | undefined): GrpcServerMetrics {
  if (!registry) return { observe: () => {} };
  const requests = getOrCreate(registry, "cairn_grpc_server_requests_total", () =>
    new prom.Counter({
      name: "cairn_grpc_server_requests_total",
      help: "gRPC calls handled, by method and final status code",
      labelNames: ["method", "code"] as const,
      registers: [registry],
    }),
  );
  const duration = getOrCreate(registry, "cairn_grpc_server_request_duration_seconds", () =>
    new prom.Histogram({
      name: "cairn_grpc_server_request_duration_seconds",
      help: "gRPC call duration from receipt to final status, by method",
      labelNames: ["method"] as const,
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
  );
  return {
    observe(method, code, seconds) {
      requests.inc({ method, code });
      duration.observe({ method }, seconds);
    },
  };
}
