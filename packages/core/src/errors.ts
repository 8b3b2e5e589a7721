/**
 * Domain errors. Every error Cairn raises on purpose is a `CairnError` with a code from one
 * domain (string enum) plus structured data; the gRPC interceptor maps `status` to a gRPC status
 * code and the gateway maps it to a JSON-RPC error. Koinos chain errors additionally carry the
 * numeric `koinos.chain.error_code` in `chainCode`, which reaches clients in error `data`.
 */

/** The gRPC status each kind of failure maps to (a subset of `grpc.status`, by number). */
export enum ErrorStatus {
  InvalidArgument = 3,
  NotFound = 5,
  AlreadyExists = 6,
  PermissionDenied = 7,
  ResourceExhausted = 8,
  FailedPrecondition = 9,
  Aborted = 10,
  OutOfRange = 11,
  Unimplemented = 12,
  Internal = 13,
  Unavailable = 14,
  DeadlineExceeded = 4,
}

export interface CairnErrorOptions {
  /** gRPC status to report; default `Internal`. */
  status?: ErrorStatus;
  /** Structured context (JSON-serialisable). */
  data?: Record<string, unknown>;
  /** Koinos `chain.error_code` number, when this error is a chain error. */
  chainCode?: number;
  cause?: unknown;
}

/** Base class of every deliberate error in Cairn. `code` is `<domain>.<what>`, e.g. `chain.invalid_nonce`. */
export class CairnError extends Error {
  readonly code: string;
  readonly status: ErrorStatus;
  readonly data: Record<string, unknown>;
  readonly chainCode: number | undefined;

  constructor(code: string, message: string, options: CairnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CairnError";
    this.code = code;
    this.status = options.status ?? ErrorStatus.Internal;
    this.data = options.data ?? {};
    this.chainCode = options.chainCode;
  }
}

/** True when `e` is a CairnError (also across duplicated module instances). */
export function isCairnError(e: unknown): e is CairnError {
  return e instanceof CairnError || (typeof e === "object" && e !== null && (e as { name?: unknown }).name === "CairnError" && typeof (e as { code?: unknown }).code === "string");
}

/** Shorthand constructors for common statuses. */
export const errors = {
  invalidArgument: (code: string, message: string, data?: Record<string, unknown>) =>
    new CairnError(code, message, { status: ErrorStatus.InvalidArgument, data }),
  notFound: (code: string, message: string, data?: Record<string, unknown>) =>
    new CairnError(code, message, { status: ErrorStatus.NotFound, data }),
  unavailable: (code: string, message: string, data?: Record<string, unknown>) =>
    new CairnError(code, message, { status: ErrorStatus.Unavailable, data }),
  internal: (code: string, message: string, data?: Record<string, unknown>) =>
    new CairnError(code, message, { status: ErrorStatus.Internal, data }),
};
