/**
 * grpc-js writes its own diagnostics (bind failures, connection errors) to stderr as bare text.
 * `routeGrpcLogs` sends them through a Cairn `Logger` instead, as structured lines. grpc-js keeps
 * one logger per process, so only a composition root (`main.ts`) calls this.
 */
import { format } from "node:util";
import type { Logger } from "@cairn/core";
import { setLogger } from "@grpc/grpc-js";

/** Routes grpc-js's process-wide log output to `logger` (errors at warn, the rest at debug). */
export function routeGrpcLogs(logger: Logger): void {
  const child = logger.child({ module: "grpc-js" });
  setLogger({
    error: (...args: unknown[]) => child.warn({ text: format(...args) }, "grpc-js log"),
    info: (...args: unknown[]) => child.debug({ text: format(...args) }, "grpc-js log"),
    debug: (...args: unknown[]) => child.debug({ text: format(...args) }, "grpc-js log"),
  });
}
