/**
 * Calling one table method with the gateway's per-call timeout: Koinos JSON params in, Koinos JSON
 * result out (sharing and caching are caller.ts's). Failures are classified once here (see
 * {@link classifyFailure}); each front end then words them its own way.
 */
import { CairnError, isCairnError, type ErrorStatus } from "@cairn/core";
import { JsonCodecError, type JsonObject } from "@cairn/protocol";
import { RpcErrorCode } from "@cairn/rpc";
import type { Outcome } from "../metrics.ts";
import { withDeadline } from "./deadlines.ts";
import type { TableMethod } from "./method-table.ts";

/** Raised when the gateway's own timer fires before the service answered. */
export class GatewayTimeout extends Error {
  constructor(readonly method: string, readonly timeoutMs: number) {
    super(`${method} did not answer within ${timeoutMs} ms`);
    this.name = "GatewayTimeout";
  }
}

/** Params that do not decode into the method's request message. */
export class BadParams extends Error {
  constructor(readonly error: JsonCodecError | Error) {
    super(error.message);
    this.name = "BadParams";
  }
}

/** A call's answer as Koinos JSON, and that JSON as text (encoded once, shared by joiners). */
export interface JsonAnswer {
  readonly json: JsonObject;
  readonly text: string;
  /**
   * The text in pieces (UTF-8 bytes and short strings), when the answer was assembled from them
   * (json-cache.ts): an HTTP body is written from them (`joinPieces`) without building the text.
   */
  readonly parts?: readonly Piece[];
}

/** A piece of an answer's text: its UTF-8 bytes, or an ASCII-only string (punctuation, names, numbers). */
export type Piece = Uint8Array | string;

/** `before`, the pieces and `after` (any text) as one UTF-8 buffer (one allocation, each piece copied once). */
export function joinPieces(pieces: readonly Piece[], before = "", after = ""): Buffer {
  let size = Buffer.byteLength(before) + Buffer.byteLength(after);
  for (const p of pieces) size += p.length;
  const out = Buffer.allocUnsafe(size);
  let at = out.write(before, 0);
  for (const p of pieces) {
    if (typeof p === "string") at += out.write(p, at, p.length, "latin1");
    else {
      out.set(p, at);
      at += p.length;
    }
  }
  out.write(after, at);
  return out;
}

/** Decodes `params` (absent → empty request) into the method's request message; throws `BadParams`. */
export function decodeParams(method: TableMethod, params: unknown): object {
  try {
    return params === undefined ? method.input.fns.create() : method.input.fromJson(params);
  } catch (err) {
    // A RangeError (params nested past the stack) is bad params too, not an internal error.
    throw new BadParams(err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * The identity of a decoded request: its protobuf bytes as hex. Unknown JSON fields, key order
 * and spelling variants all decode to the same message, so they share one key (a cache keyed
 * on the raw params would grow with every unique junk field).
 */
export function requestKey(method: TableMethod, request: object): string {
  return Buffer.from(method.input.fns.encode(request as Record<string, unknown>).finish()).toString("hex");
}

/** Decodes `params` (absent → empty request), calls the service with the timeout, encodes the answer. */
export function invokeOnce(method: TableMethod, params: unknown, timeoutMs: number): Promise<JsonAnswer> {
  let request: object;
  try {
    request = decodeParams(method, params);
  } catch (err) {
    return Promise.reject(err);
  }
  return invokeRequest(method, request, timeoutMs);
}

/** Calls the service with a decoded request and the timeout, encodes the answer. */
export async function invokeRequest(method: TableMethod, request: object, timeoutMs: number): Promise<JsonAnswer> {
  const response = await withTimeout(method.call(request, { deadlineMs: timeoutMs }), method.name, timeoutMs);
  const json = method.output.toJson(response as Record<string, unknown>);
  return { json, text: JSON.stringify(json) };
}

/** Calls a method with an already-built request message (REST helpers). */
export function invokeMessage<T>(method: TableMethod, request: object, timeoutMs: number): Promise<T> {
  return withTimeout(method.call(request, { deadlineMs: timeoutMs }), method.name, timeoutMs) as Promise<T>;
}

function withTimeout<T>(promise: Promise<T>, method: string, timeoutMs: number): Promise<T> {
  return withDeadline(promise, timeoutMs, () => new GatewayTimeout(method, timeoutMs));
}

/** What went wrong with a call, independent of how it is reported. */
export type Failure =
  | { readonly kind: "bad_params"; readonly error: Error }
  | { readonly kind: "timeout" }
  /** The service could not be reached / refused the call at the transport level. */
  | { readonly kind: "unavailable"; readonly reason: string }
  /** The service answered with an error: message and data go to the client as they are. */
  | { readonly kind: "service"; readonly error: CairnError; readonly status: ErrorStatus }
  /** Not a CairnError: a bug somewhere; details only in the log. */
  | { readonly kind: "internal"; readonly error: unknown };

/** Sorts a thrown value into a {@link Failure}. */
export function classifyFailure(err: unknown): Failure {
  if (err instanceof BadParams) return { kind: "bad_params", error: err.error };
  if (err instanceof GatewayTimeout) return { kind: "timeout" };
  if (isCairnError(err)) {
    switch (err.code) {
      case RpcErrorCode.DeadlineExceeded:
        return { kind: "timeout" };
      case RpcErrorCode.Unavailable:
        return { kind: "unavailable", reason: "service unavailable" };
      case RpcErrorCode.Cancelled:
        return { kind: "unavailable", reason: "call cancelled" };
      case RpcErrorCode.Unimplemented:
        return { kind: "unavailable", reason: "method not implemented by the service" };
      default:
        return { kind: "service", error: err, status: err.status };
    }
  }
  return { kind: "internal", error: err };
}

/** The metrics outcome of a failure. */
export function failureOutcome(f: Failure): Outcome {
  switch (f.kind) {
    case "bad_params":
      return "rejected";
    case "timeout":
      return "timeout";
    case "service":
      return f.error.code === RpcErrorCode.Internal ? "internal_error" : "service_error";
    default:
      return "internal_error";
  }
}
