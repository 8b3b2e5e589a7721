#!/usr/bin/env bun
/**
 * One health probe, for container health checks and supervisors: exits 0 when the target is
 * healthy, 1 when it answers unhealthy or not at all, 2 on bad usage. Prints one line either way
 * (Docker keeps it in `docker inspect`).
 *
 *   bun scripts/healthcheck.ts grpc <host:port> [service]   grpc.health.v1 Check is SERVING
 *   bun scripts/healthcheck.ts http <url>                   GET answers HTTP 200
 *
 * `service` is a fully qualified gRPC service name (`cairn.chain.v1.ChainService`); without it
 * the whole server is asked. `HEALTHCHECK_TIMEOUT_MS` (default 2000) bounds the probe.
 */
// By path rather than by name: the image installs production dependencies only, and the root
// package lists @cairn/rpc as a devDependency.
import { checkHealth } from "../packages/rpc/src/index.ts";

const USAGE = "usage: bun scripts/healthcheck.ts grpc <host:port> [service] | http <url>";

const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS ?? 2000);

/** gRPC health of `address` (optionally of one service on it). */
async function probeGrpc(address: string, service: string): Promise<[ok: boolean, detail: string]> {
  const status = await checkHealth(address, service, { timeoutMs });
  return [status === "SERVING", status];
}

/** HTTP GET of `url`; healthy only on 200 (the gateway's /health answers 503 while degraded). */
async function probeHttp(url: string): Promise<[ok: boolean, detail: string]> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await res.body?.cancel();
  return [res.status === 200, `HTTP ${res.status}`];
}

const [kind, target, service = "", ...rest] = process.argv.slice(2);
if (target === undefined || rest.length > 0 || (kind !== "grpc" && kind !== "http") || (kind === "http" && service !== "") || !(timeoutMs > 0)) {
  console.error(USAGE);
  process.exit(2);
}

try {
  const [ok, detail] = kind === "grpc" ? await probeGrpc(target, service) : await probeHttp(target);
  console.log(`${kind} ${target}${service ? ` ${service}` : ""}: ${detail}`);
  process.exit(ok ? 0 : 1);
} catch (err) {
  console.log(`${kind} ${target}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
