/**
 * What `cairn dev` checks before it loads or opens anything (milliseconds, even on a busy
 * machine): the ports it will listen on. Light on purpose: main.ts runs it before importing the
 * services.
 */
import { type PortUse, assertPortsFree } from "@cairn/core";
import type { DevOptions } from "./options.ts";

const GRPC_NAMES = ["chain", "block store", "mempool", "account history", "block producer", "dev controls"];

/** The ports the dev node listens on, with what listens and the flag that moves it. */
export function devPorts(opts: Pick<DevOptions, "host" | "port" | "grpcPortBase">): PortUse[] {
  return [
    { host: opts.host, port: opts.port, what: "JSON-RPC / REST / WebSocket gateway", flag: "--port" },
    ...GRPC_NAMES.map((name, i) => ({ host: opts.host, port: opts.grpcPortBase === 0 ? 0 : opts.grpcPortBase + i, what: `${name} gRPC`, flag: "--grpc-port-base (0: ephemeral gRPC ports)" })),
  ];
}

/** Throws `startup.port_in_use` for the first port another process holds. */
export function assertDevPortsFree(opts: Pick<DevOptions, "host" | "port" | "grpcPortBase">): void {
  assertPortsFree(devPorts(opts));
}
