/**
 * REST errors: `{"error":{"code","message","data"}}` with an HTTP status. Service errors keep
 * their Cairn code and message; the HTTP status follows the gRPC status the service chose
 * (grpc-gateway's table). Chain errors carry `data` = the Koinos error object
 * (`{"code":<chain code>,"logs":[…]}`), parsed rather than as text.
 */
import { koinosErrorData } from "@cairn/rpc";
import { restJsonResponse } from "../responses.ts";
import type { Failure } from "../table/invoke.ts";

/** Error codes the gateway itself uses in REST answers. */
export const RestErrorCode = {
  BadRequest: "gateway.bad_request",
  NotFound: "gateway.not_found",
  MethodDenied: "gateway.method_denied",
  ServiceNotConfigured: "gateway.service_not_configured",
  BodyTooLarge: "gateway.body_too_large",
  RateLimited: "gateway.rate_limited",
  WsFull: "gateway.ws_full",
  Timeout: "gateway.timeout",
  Unavailable: "gateway.unavailable",
  Internal: "gateway.internal",
} as const;

/** A REST error answer. */
export function restError(status: number, code: string, message: string, data?: unknown, headers?: Record<string, string>): Response {
  const error = data === undefined ? { code, message } : { code, message, data };
  return restJsonResponse(JSON.stringify({ error }), status, headers);
}

/** gRPC status → HTTP status (grpc-gateway's mapping). */
export function httpStatusOf(grpcStatus: number): number {
  switch (grpcStatus) {
    case 1:
      return 499;
    case 3:
    case 9:
    case 11:
      return 400;
    case 4:
      return 504;
    case 5:
      return 404;
    case 6:
    case 10:
      return 409;
    case 7:
      return 403;
    case 8:
      return 429;
    case 12:
      return 501;
    case 14:
      return 503;
    case 16:
      return 401;
    default:
      return 500;
  }
}

/** The REST answer to a failed call. */
export function failureResponse(f: Failure): Response {
  switch (f.kind) {
    case "bad_params":
      return restError(400, RestErrorCode.BadRequest, f.error.message);
    case "timeout":
      return restError(504, RestErrorCode.Timeout, "rpc failed, context deadline exceeded");
    case "unavailable":
      return restError(503, RestErrorCode.Unavailable, `rpc failed, ${f.reason}`);
    case "internal":
      return restError(500, RestErrorCode.Internal, "An internal server error has occurred");
    case "service": {
      const koinos = koinosErrorData(f.error);
      const data = koinos !== undefined ? (JSON.parse(koinos) as unknown) : Object.keys(f.error.data).length > 0 ? f.error.data : undefined;
      return restError(httpStatusOf(f.status), f.error.code, f.error.message, data);
    }
  }
}
