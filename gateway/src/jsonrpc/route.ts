/**
 * The HTTP side of JSON-RPC (protocol §1.1): any path, any method but OPTIONS; the body is read
 * under the size cap and parsed as JSON whatever its Content-Type; the answer is always HTTP 200
 * `application/json` with CORS — errors included, so koilib (which only calls `response.json()`)
 * always gets a JSON-RPC error rather than a broken response.
 *
 * This is the gateway's hot path, so it is a plain `(Request, server) → Response` function that
 * `createApp` calls before Hono's router for POSTs outside the REST paths (and Hono calls for the
 * rest); it writes its own access-log line.
 */
import type { Logger } from "@cairn/core";
import { jsonRpcResponse } from "../responses.ts";
import { readBody } from "../middleware/body.ts";
import { clientIpOf } from "../middleware/client-ip.ts";
import type { RateLimiter } from "../middleware/rate-limit.ts";
import { type GatewayMetrics, UNKNOWN_METHOD } from "../metrics.ts";
import { bodyTooLarge, JsonRpcCode, JsonRpcMessage } from "./errors.ts";
import { errorText, type JsonRpcHandler, type TakeTokens } from "./handler.ts";

/** What the route needs. */
export interface JsonRpcRouteDeps {
  readonly handle: JsonRpcHandler;
  readonly metrics: GatewayMetrics;
  /** Present when rate limiting is on. */
  readonly limiter?: RateLimiter | undefined;
  /** Where access-log lines go; absent = no access log. */
  readonly accessLog?: Logger | undefined;
}

/** Options the route reads. */
export interface JsonRpcRouteOptions {
  readonly maxBodyBytes: number;
  readonly clientIpHeader?: string | undefined;
}

/** Most JSON-RPC method names written in one (batch) access-log line. */
const MAX_LOGGED_METHODS = 10;

/** The path of an absolute URL, without query (cheaper than `new URL`). */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const q = url.indexOf("?", start);
  return q < 0 ? url.slice(start) : url.slice(start, q);
}

/** Serves one JSON-RPC HTTP request. `server` is Bun's (for the client address), if any. */
export function createJsonRpcServer(options: JsonRpcRouteOptions, deps: JsonRpcRouteDeps) {
  const { handle, metrics, limiter, accessLog } = deps;

  const log = (request: Request, started: number, methods: readonly string[]) => {
    if (accessLog === undefined) return;
    const line: Record<string, unknown> = {
      method: request.method,
      path: pathOf(request.url),
      status: 200,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    };
    if (methods.length > 0) line.rpc = methods.length > MAX_LOGGED_METHODS ? [...methods.slice(0, MAX_LOGGED_METHODS), `…${methods.length - MAX_LOGGED_METHODS} more`] : methods;
    accessLog.info(line, "http request");
  };

  return async (request: Request, server: unknown): Promise<Response> => {
    const started = performance.now();
    const read = await readBody(request, options.maxBodyBytes);
    if (!read.ok) {
      metrics.observe(UNKNOWN_METHOD, "rejected", 0);
      const error = read.reason === "too_large"
        ? bodyTooLarge(options.maxBodyBytes)
        : { code: JsonRpcCode.ParseError, message: JsonRpcMessage.Parse, data: "request body could not be read" };
      log(request, started, []);
      return jsonRpcResponse(errorText(null, error));
    }
    let take: TakeTokens | undefined;
    if (limiter !== undefined) {
      const client = clientIpOf(request, server, options.clientIpHeader);
      take = (cost) => limiter.take(client, cost);
    }
    const answer = await handle(read.text, take);
    log(request, started, answer.methods);
    return jsonRpcResponse(answer.body);
  };
}

/** The server function's type. */
export type JsonRpcServer = ReturnType<typeof createJsonRpcServer>;
