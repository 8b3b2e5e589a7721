/**
 * The client side of `grpc.health.v1.Health`, for scripts and process supervisors that wait for
 * services to come up. Uses the health service definition grpc-health-check loads from its proto.
 */
import { isCairnError, retryWithBackoff, type Logger } from "@cairn/core";
import { status as GrpcStatus, type MethodDefinition } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";
import { createGrpcClient } from "./client.ts";

/** `Health.Check` as grpc-health-check loads it (keepCase, enums as strings). */
const healthCheckDefinition = {
  Check: healthService.Check as MethodDefinition<{ service: string }, { status?: string }>,
};

/** A health answer; `SERVICE_UNKNOWN` when the server has no status for that service name. */
export type HealthStatus = "SERVING" | "NOT_SERVING" | "UNKNOWN" | "SERVICE_UNKNOWN";

/** Options of `checkHealth`. */
export interface CheckHealthOptions {
  /** Deadline of the check in ms. Default 2000: a healthy server answers in microseconds. */
  timeoutMs?: number;
}

/**
 * Asks the server at `address` for the status of `service` (fully qualified, `""` = the whole
 * server). Rejects with an `rpc.*` CairnError when the server cannot be asked (unreachable,
 * deadline, no health service).
 */
export async function checkHealth(address: string, service = "", options: CheckHealthOptions = {}): Promise<HealthStatus> {
  const client = createGrpcClient(healthCheckDefinition, address, { deadlineMs: options.timeoutMs ?? 2000 });
  try {
    const { status } = await client.Check({ service });
    return status === "SERVING" || status === "NOT_SERVING" || status === "SERVICE_UNKNOWN" ? status : "UNKNOWN";
  } catch (err) {
    if (isCairnError(err) && err.status === (GrpcStatus.NOT_FOUND as number)) return "SERVICE_UNKNOWN";
    throw err;
  } finally {
    client.close();
  }
}

/** Options of `waitForHealthy`. */
export interface WaitForHealthyOptions {
  /** Service to check; default `""` (the whole server). */
  service?: string;
  /** Give up after this many ms; default 30000 (a service applying migrations may take a while). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Logs each wait with the last answer. */
  logger?: Logger;
}

/** Resolves once `checkHealth` answers SERVING, retrying with backoff; rejects with the last failure after the timeout. */
export async function waitForHealthy(address: string, options: WaitForHealthyOptions = {}): Promise<void> {
  await retryWithBackoff(
    async () => {
      const status = await checkHealth(address, options.service ?? "");
      if (status !== "SERVING") throw new Error(`${address} health is ${status}`);
    },
    { what: `health of ${address}`, timeoutMs: options.timeoutMs ?? 30_000, initialDelayMs: 100, maxDelayMs: 2000, signal: options.signal, logger: options.logger },
  );
}
