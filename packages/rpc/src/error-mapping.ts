/**
 * The one place where errors become gRPC statuses and back. A `CairnError` crosses a gRPC hop as
 *
 *   status  = err.status            (gRPC numeric code)
 *   details = err.message           (grpc-message, percent-encoded by grpc-js, UTF-8 safe)
 *   trailers:
 *     cairn-error-code       err.code                          always
 *     cairn-chain-code       err.chainCode (decimal)           when set
 *     cairn-error-data-bin   JSON of err.data (UTF-8)          when data has keys
 *     koinos-error-data-bin  koinosErrorData(err) (UTF-8)      when chainCode is set
 *
 * and `grpcStatusToError` rebuilds an equal `CairnError` on the other side, so errors pass
 * through any number of hops unchanged. JSON travels in `-bin` keys because plain metadata values
 * must be printable ASCII, and Koinos error data may hold any text (contract logs).
 * `koinos-error-data-bin` is for consumers that do not use this package (grpcurl, other
 * languages); in TypeScript, `koinosErrorData(err)` derives the same text from the CairnError.
 */
import { Metadata, status as GrpcStatus } from "@grpc/grpc-js";
import { CairnError, ErrorStatus, isCairnError } from "@cairn/core";

/** Trailing-metadata keys that carry a CairnError across a gRPC hop. */
export const ErrorMetadataKey = {
  Code: "cairn-error-code",
  ChainCode: "cairn-chain-code",
  Data: "cairn-error-data-bin",
  KoinosData: "koinos-error-data-bin",
} as const;

/** Codes of the errors this package itself raises (transport failures, bad requests, bugs). */
export const RpcErrorCode = {
  /** A handler threw something that is not a CairnError (a bug); details are only in the server log. */
  Internal: "rpc.internal",
  /** The request bytes could not be decoded. */
  InvalidRequest: "rpc.invalid_request",
  DeadlineExceeded: "rpc.deadline_exceeded",
  /** The call was cancelled by the other side or by a server shutdown. */
  Cancelled: "rpc.cancelled",
  /** The server could not be reached. */
  Unavailable: "rpc.unavailable",
  /** The server does not implement the method. */
  Unimplemented: "rpc.unimplemented",
} as const;

/**
 * Error data larger than this (JSON bytes) is replaced by `{ truncated: true, bytes }`: HTTP/2
 * peers drop header blocks over 64 KiB, and a dropped trailer loses the whole error.
 */
export const MAX_ERROR_DATA_BYTES = 16 * 1024;
/** Longer messages are cut (with `…`), for the same reason. */
export const MAX_ERROR_MESSAGE_CHARS = 4096;

/** The message and trailers of a failed call, as grpc-js sends them. */
export interface GrpcErrorStatus {
  code: number;
  details: string;
  metadata: Metadata;
}

/** What a caller receives from grpc-js for a failed call (a `ServiceError` is one). */
export interface ReceivedGrpcError {
  code: number;
  details: string;
  metadata?: Metadata | null;
}

/** Where a failed call went, for the message of transport errors. */
export interface CallInfo {
  /** Method name without the leading slash. */
  method: string;
  /** Server address, or `in-process`. */
  address: string;
  /** The deadline the caller set, in ms. */
  deadlineMs?: number;
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/**
 * The exact `data` text a Koinos node puts in a chain error: the captured keys plus
 * `"code":<chainCode>` (a `code` key in `data` is overridden), keys in sorted order as the
 * chain's JSON library writes them, e.g. `{"a":"1…","c":"0x2801","code":-201,"logs":[],"n":"0x2801"}`.
 * `undefined` when the error has no chain code — Koinos sends no data for those. The gateway
 * puts this string in JSON-RPC `error.data`.
 */
export function koinosErrorData(err: { chainCode?: number | undefined; data: Record<string, unknown> }): string | undefined {
  if (err.chainCode === undefined) return undefined;
  const all: Record<string, unknown> = { ...err.data, code: err.chainCode };
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(all).sort()) sorted[k] = all[k];
  return toJson(sorted);
}

function isValidErrorStatus(code: unknown): code is number {
  return typeof code === "number" && Number.isInteger(code) && code > 0 && code <= 16;
}

function cap(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE_CHARS ? message : `${message.slice(0, MAX_ERROR_MESSAGE_CHARS - 1)}…`;
}

function boundedData(data: Record<string, unknown>): { json: string; data: Record<string, unknown> } {
  let json: string;
  try {
    json = toJson(data);
  } catch {
    const replacement = { unserializable: true };
    return { json: toJson(replacement), data: replacement };
  }
  const bytes = Buffer.byteLength(json);
  if (bytes <= MAX_ERROR_DATA_BYTES) return { json, data };
  const replacement = { truncated: true, bytes };
  return { json: toJson(replacement), data: replacement };
}

/** Trailing metadata carrying `err` (see the file header for the keys). */
export function errorMetadata(err: CairnError): Metadata {
  const md = new Metadata();
  md.set(ErrorMetadataKey.Code, err.code.replace(/[^ -~]/g, "?"));
  const chainCode = Number.isInteger(err.chainCode) ? err.chainCode : undefined;
  if (chainCode !== undefined) md.set(ErrorMetadataKey.ChainCode, String(chainCode));
  const { json, data } = boundedData(err.data);
  if (Object.keys(data).length > 0) md.set(ErrorMetadataKey.Data, Buffer.from(json, "utf8"));
  const koinos = koinosErrorData({ chainCode, data });
  if (koinos !== undefined) md.set(ErrorMetadataKey.KoinosData, Buffer.from(koinos, "utf8"));
  return md;
}

/**
 * Maps whatever a handler threw to the status sent to the caller. `expected` is false for
 * non-CairnErrors: those are bugs, answered with a generic INTERNAL (no internals leak) and logged
 * by the caller of this function.
 */
export function errorToGrpcStatus(err: unknown): { status: GrpcErrorStatus; expected: boolean } {
  if (isCairnError(err)) {
    const code = isValidErrorStatus(err.status) ? err.status : GrpcStatus.INTERNAL;
    return { status: { code, details: cap(err.message), metadata: errorMetadata(err) }, expected: true };
  }
  const internal = new CairnError(RpcErrorCode.Internal, "internal error", { status: ErrorStatus.Internal });
  return { status: { code: GrpcStatus.INTERNAL, details: internal.message, metadata: errorMetadata(internal) }, expected: false };
}

function firstString(md: Metadata, key: string): string | undefined {
  const v = md.get(key)[0];
  if (v === undefined) return undefined;
  return typeof v === "string" ? v : v.toString("utf8");
}

function parseData(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
  } catch {
    return { raw: text };
  }
}

/** The upper-case gRPC name of a status code, e.g. `DEADLINE_EXCEEDED`. */
export function grpcStatusName(code: number): string {
  return (GrpcStatus as unknown as Record<number, string | undefined>)[code] ?? `STATUS_${code}`;
}

function transportMessage(e: ReceivedGrpcError, info: CallInfo): { code: string; message: string } {
  switch (e.code) {
    case GrpcStatus.DEADLINE_EXCEEDED:
      return {
        code: RpcErrorCode.DeadlineExceeded,
        message: info.deadlineMs === undefined
          ? `deadline exceeded calling ${info.method} at ${info.address}`
          : `deadline of ${info.deadlineMs} ms exceeded calling ${info.method} at ${info.address}`,
      };
    case GrpcStatus.UNAVAILABLE:
      return { code: RpcErrorCode.Unavailable, message: `${info.method} unavailable at ${info.address}: ${e.details}` };
    case GrpcStatus.CANCELLED:
      return { code: RpcErrorCode.Cancelled, message: `${info.method} cancelled at ${info.address}: ${e.details}` };
    default:
      return { code: `rpc.${grpcStatusName(e.code).toLowerCase()}`, message: `${info.method} failed at ${info.address}: ${e.details}` };
  }
}

/**
 * Rebuilds the CairnError a server sent (same code, status, message, chainCode, data). A status
 * without Cairn trailers (deadline, unreachable server, a non-Cairn server) becomes an `rpc.*`
 * CairnError whose message names the method and address.
 */
export function grpcStatusToError(e: ReceivedGrpcError, info: CallInfo): CairnError {
  const md = e.metadata ?? new Metadata();
  const code = firstString(md, ErrorMetadataKey.Code);
  const status = e.code as ErrorStatus;
  if (code !== undefined) {
    const chainText = firstString(md, ErrorMetadataKey.ChainCode);
    const chainCode = chainText === undefined ? undefined : Number(chainText);
    return new CairnError(code, e.details, {
      status,
      data: parseData(firstString(md, ErrorMetadataKey.Data)),
      chainCode: chainCode !== undefined && Number.isInteger(chainCode) ? chainCode : undefined,
    });
  }
  const t = transportMessage(e, info);
  const data: Record<string, unknown> = { method: info.method, address: info.address, grpcStatus: grpcStatusName(e.code), details: e.details };
  if (info.deadlineMs !== undefined) data.deadlineMs = info.deadlineMs;
  return new CairnError(t.code, t.message, { status, data });
}
