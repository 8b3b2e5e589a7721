/**
 * The server side of `grpc.health.v1.Health` (grpc-health-check's implementation): one status per
 * served service plus the overall status under `""`. Orchestrators and `checkHealth` read it.
 */
import type { Server } from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";

/** Fully qualified name of the health service, as listed by reflection. */
export const HEALTH_SERVICE_NAME = "grpc.health.v1.Health";

/** Serving statuses, kept while the server is built and published once it runs. */
export interface HealthState {
  /** Sets `service` (`""` = the whole server) to SERVING or NOT_SERVING. */
  setServing(service: string, serving: boolean): void;
  /** SERVING for `service` unless a status was already set (called for every added service). */
  register(service: string): void;
  /** Everything NOT_SERVING (called when shutdown begins, so checkers see the drain). */
  setAllNotServing(): void;
  addToServer(server: Server): void;
}

/** `""` starts SERVING: a process that is not ready yet says so with `setServing("", false)`. */
export function createHealthState(): HealthState {
  const health = new HealthImplementation({ "": "SERVING" });
  const known = new Set<string>([""]);
  return {
    setServing(service, serving) {
      known.add(service);
      health.setStatus(service, serving ? "SERVING" : "NOT_SERVING");
    },
    register(service) {
      if (known.has(service)) return;
      known.add(service);
      health.setStatus(service, "SERVING");
    },
    setAllNotServing() {
      for (const service of known) health.setStatus(service, "NOT_SERVING");
    },
    addToServer(server) {
      health.addToServer(server);
    },
  };
}
