/**
 * One log line per HTTP request served by Hono's router (REST, operational routes): method, path,
 * status, duration. Never bodies, params, query strings or headers (they may carry keys or signed
 * transactions). JSON-RPC requests log their own line, with the methods called (jsonrpc/route.ts).
 */
import type { Logger } from "@cairn/core";
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../hono-env.ts";

/** The access-log middleware. */
export function accessLog(logger: Logger): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    if (c.get("jsonRpc") === true) return;
    logger.info({ method: c.req.method, path: c.req.path, status: c.res.status, durationMs: Math.round((performance.now() - started) * 1000) / 1000 }, "http request");
  };
}
