/**
 * Start-up port checks: a port another process holds is found in milliseconds, before a service
 * opens its database or connects to NATS, and reported naming the service, the port's use and
 * the flag that changes it — instead of the listener's own error (grpc-js: "No address added out
 * of total 1 resolved errors") seconds later.
 */
import { CairnError, ErrorStatus } from "./errors.ts";

/** Error code of a port another process holds. */
export const PORT_IN_USE = "startup.port_in_use";

/** A port a process is about to listen on, and how a person changes it. */
export interface PortUse {
  host: string;
  /** 0 (any free port) is never checked. */
  port: number;
  /** What listens there, e.g. `cairn-chain gRPC`, `JSON-RPC gateway`. */
  what: string;
  /** The flag that sets it, e.g. `--grpc-port`. */
  flag: string;
}

/** The error for a port in use (also used when a listener fails with EADDRINUSE). */
export function portInUseError(use: PortUse, cause?: unknown): CairnError {
  return new CairnError(
    PORT_IN_USE,
    `port ${use.port} on ${use.host} (${use.what}) is already in use by another process: stop that process or choose another port with ${use.flag}`,
    { status: ErrorStatus.FailedPrecondition, data: { ...use }, cause },
  );
}

/** True when `err` (or its message) says the address is in use. */
export function isAddressInUse(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  return e?.code === "EADDRINUSE" || (typeof e?.message === "string" && e.message.includes("EADDRINUSE"));
}

/** Throws {@link portInUseError} for the first port of `uses` that cannot be bound now. */
export function assertPortsFree(uses: readonly PortUse[]): void {
  for (const use of uses) {
    if (use.port === 0) continue;
    let probe: { stop(force?: boolean): void } | undefined;
    try {
      probe = Bun.listen({ hostname: use.host, port: use.port, socket: { data() {} } });
    } catch (err) {
      if (isAddressInUse(err)) throw portInUseError(use, err);
      // Other failures (no such address, no permission) are left to the listener, which says more.
    } finally {
      probe?.stop(true);
    }
  }
}
