/**
 * Every JSON-RPC error the gateway sends, in one place: the codes, messages and `data` texts of
 * koinos-jsonrpc v1.2.0 (protocol §1.5), Cairn's additions (batch, body size, rate limit), and the
 * mapping of a failed call to its error.
 */
import { koinosErrorData } from "@cairn/rpc";
import type { Failure } from "../table/invoke.ts";
import type { Resolution } from "../table/method-table.ts";
import type { Access } from "../table/access.ts";

/** JSON-RPC error codes used by the gateway. */
export const JsonRpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Cairn: the client's rate limit is exhausted (the -32000…-32099 "server error" range). */
  RateLimited: -32005,
} as const;

/** Error messages (koinos-jsonrpc's texts, verbatim). */
export const JsonRpcMessage = {
  Parse: "Unable to parse request",
  Invalid: "Invalid request",
  Translate: "Unable to translate request",
  Internal: "An internal server error has occurred",
  TooLarge: "Request exceeds maximum message size",
  RateLimited: "rate limited",
} as const;

/** `data` of -32601 "Unable to translate request" (koinos-jsonrpc's texts, verbatim). */
export const TranslateData = {
  Malformed: "methods should be in the format service_name.method_name",
  InvalidService: "invalid service name provided",
  UnknownMethod: "unknown method",
  BadParams: "parameters could not be parsed",
  NotWhitelisted: "method not whitelisted",
  Blacklisted: "method blacklisted",
} as const;

/** `data` of -32600 "Invalid request" (koinos-jsonrpc's texts, verbatim, plus Cairn's batch ones). */
export const InvalidRequestData = {
  MissingId: "missing ID",
  FractionalId: "ID must not contain fractional parts",
  UnsupportedId: "an ID must be a Number (non-fractional), String, or Null",
  Version: "invalid or missing JSON RPC version was specified",
  EmptyBatch: "empty batch: a batch request must contain at least one call",
} as const;

/** `data` of the timeout error; koilib treats a submit that fails with it as maybe-submitted. */
export const DEADLINE_DATA = "rpc failed, context deadline exceeded";

/** A JSON-RPC error object. `data` is omitted when undefined. */
export interface JsonRpcError {
  readonly code: number;
  readonly message: string;
  readonly data?: string;
}

/** -32600 for a batch over the limit. */
export function batchTooLarge(size: number, max: number): JsonRpcError {
  return { code: JsonRpcCode.InvalidRequest, message: JsonRpcMessage.Invalid, data: `batch of ${size} calls exceeds the limit of ${max}` };
}

/** -32602 for a body over the limit (Koinos uses this code and message for oversized requests). */
export function bodyTooLarge(maxBytes: number): JsonRpcError {
  return { code: JsonRpcCode.InvalidParams, message: JsonRpcMessage.TooLarge, data: `request body exceeds ${maxBytes} bytes` };
}

/** -32005 when the client's bucket is empty. */
export function rateLimited(retryAfterSeconds: number): JsonRpcError {
  return { code: JsonRpcCode.RateLimited, message: JsonRpcMessage.RateLimited, data: `too many requests from this client; retry in ${retryAfterSeconds} s` };
}

/** -32601 for a method string that did not resolve. */
export function translateError(reason: Exclude<Resolution, { ok: true }>["reason"]): JsonRpcError {
  const data = reason === "malformed" ? TranslateData.Malformed : reason === "invalid_service" ? TranslateData.InvalidService : TranslateData.UnknownMethod;
  return { code: JsonRpcCode.MethodNotFound, message: JsonRpcMessage.Translate, data };
}

/** -32601 for a method the allow/deny lists stop. */
export function accessError(access: Exclude<Access, "allowed">): JsonRpcError {
  return { code: JsonRpcCode.MethodNotFound, message: JsonRpcMessage.Translate, data: access === "blacklisted" ? TranslateData.Blacklisted : TranslateData.NotWhitelisted };
}

/**
 * The error of a failed call. Service errors pass through as Koinos sends them: code -32603, the
 * error's message, and for chain errors `data` = `{"code":<chain code>,...}` as text.
 */
export function failureError(f: Failure): JsonRpcError {
  switch (f.kind) {
    case "bad_params":
      return { code: JsonRpcCode.MethodNotFound, message: JsonRpcMessage.Translate, data: TranslateData.BadParams };
    case "timeout":
      return { code: JsonRpcCode.InternalError, message: JsonRpcMessage.Internal, data: DEADLINE_DATA };
    case "unavailable":
      return { code: JsonRpcCode.InternalError, message: JsonRpcMessage.Internal, data: `rpc failed, ${f.reason}` };
    case "service": {
      const data = koinosErrorData(f.error);
      return data === undefined ? { code: JsonRpcCode.InternalError, message: f.error.message } : { code: JsonRpcCode.InternalError, message: f.error.message, data };
    }
    case "internal":
      return { code: JsonRpcCode.InternalError, message: JsonRpcMessage.Internal };
  }
}
