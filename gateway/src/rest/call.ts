/**
 * What every REST route does around its call: find the method in the table (404/403 when it is
 * not served), call it with Koinos JSON params through the same codec as JSON-RPC, and turn a
 * failure into a REST error. Routes throw {@link RestAbort} to answer early with an error.
 */
import type { Logger } from "@cairn/core";
import type { JsonObject } from "@cairn/protocol";
import type { Context } from "hono";
import type { GatewayMetrics, Outcome } from "../metrics.ts";
import { clientIp } from "../middleware/client-ip.ts";
import type { RateLimiter } from "../middleware/rate-limit.ts";
import type { Caller } from "../table/caller.ts";
import { classifyFailure } from "../table/invoke.ts";
import type { MethodTable, TableMethod } from "../table/method-table.ts";
import { failureResponse, restError, RestErrorCode } from "./errors.ts";

/** Thrown by a route to answer with `response` (an error) right away. */
export class RestAbort extends Error {
  constructor(readonly response: Response) {
    super("rest abort");
  }
}

/** Throws a 400 with `message`. */
export function badRequest(message: string): never {
  throw new RestAbort(restError(400, RestErrorCode.BadRequest, message));
}

/** Throws a 404 with `message`. */
export function notFound(message: string): never {
  throw new RestAbort(restError(404, RestErrorCode.NotFound, message));
}

/** Calls into the table on behalf of REST routes. */
export interface RestCaller {
  /** The method, or a RestAbort (503 when its service is not configured, 403 when denied). */
  method(service: string, name: string): TableMethod;
  /** Calls `service.name` with Koinos JSON params; answers Koinos JSON. */
  json(service: string, name: string, params?: unknown): Promise<JsonObject>;
  /** Calls with a request message; answers the response message. */
  message<T>(service: string, name: string, request: object): Promise<T>;
  /**
   * Runs a route body for request `c`: applies the rate limit, turns RestAbort and call failures
   * into responses, and counts the request under `label` (a route pattern, never a raw path).
   */
  run(c: Context, label: string, body: () => Promise<Response>): Promise<Response>;
}

/** What the caller uses. */
export interface RestCallerDeps {
  readonly table: MethodTable;
  readonly caller: Caller;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly limiter?: RateLimiter | undefined;
}

function outcomeOf(status: number): Outcome {
  if (status < 400) return "ok";
  if (status === 429) return "rate_limited";
  if (status === 504) return "timeout";
  if (status >= 500) return "internal_error";
  return "rejected";
}

/** Builds the caller. */
export function createRestCaller(options: { readonly clientIpHeader?: string | undefined }, deps: RestCallerDeps): RestCaller {
  const { table, caller, logger, metrics, limiter } = deps;
  const method = (service: string, name: string): TableMethod => {
    const m = table.get(service, name);
    if (m === undefined) throw new RestAbort(restError(503, RestErrorCode.ServiceNotConfigured, `${service}.${name} is not served by this gateway`));
    if (m.access !== "allowed") throw new RestAbort(restError(403, RestErrorCode.MethodDenied, `${m.name} is not allowed on this gateway`));
    return m;
  };
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof RestAbort) throw err;
      const failure = classifyFailure(err);
      if (failure.kind === "internal") logger.error({ err: String(err) }, "rest call failed unexpectedly");
      throw new RestAbort(failureResponse(failure));
    }
  };
  return {
    method,
    json: (service, name, params) => call(() => caller.json(method(service, name), params)),
    message: <T>(service: string, name: string, request: object) => call(() => caller.message<T>(method(service, name), request)),
    async run(c, label, body) {
      const started = performance.now();
      let response: Response;
      const verdict = limiter?.take(clientIp(c, options.clientIpHeader));
      if (verdict !== undefined && !verdict.ok) {
        response = restError(429, RestErrorCode.RateLimited, "rate limited", undefined, { "Retry-After": String(verdict.retryAfterSeconds) });
      } else {
        try {
          response = await body();
        } catch (err) {
          if (err instanceof RestAbort) response = err.response;
          else {
            logger.error({ err: String(err) }, "rest route failed unexpectedly");
            response = restError(500, RestErrorCode.Internal, "An internal server error has occurred");
          }
        }
      }
      metrics.observe(label, outcomeOf(response.status), (performance.now() - started) / 1000);
      return response;
    },
  };
}
