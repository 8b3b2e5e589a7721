/**
 * Running one call of an implementation, bytes in → bytes (or an error status) out. The gRPC
 * server and the in-process client both go through here, so decoding, error mapping and logging
 * are identical on a real hop and on its in-memory twin.
 */
import { CairnError, ErrorStatus, type Logger } from "@cairn/core";
import { status as GrpcStatus } from "@grpc/grpc-js";
import type { PreparedMethod } from "./definition.ts";
import { errorToGrpcStatus, RpcErrorCode, type GrpcErrorStatus } from "./error-mapping.ts";
import type { AnyHandler, CallContext } from "./types.ts";

/** Result of a unary call. */
export type UnaryOutcome = { ok: true; response: Buffer } | { ok: false; status: GrpcErrorStatus };

/** Thrown by `dispatchServerStream` when the stream fails; carries the status to send. */
export class CallFailure extends Error {
  constructor(readonly status: GrpcErrorStatus) {
    super(status.details);
    this.name = "CallFailure";
  }
}

function decodeRequest(method: PreparedMethod, bytes: Buffer): unknown {
  try {
    return method.deserializeRequest(bytes);
  } catch (err) {
    throw new CairnError(RpcErrorCode.InvalidRequest, `could not decode ${method.name} request`, {
      status: ErrorStatus.InvalidArgument,
      data: { reason: err instanceof Error ? err.message : String(err) },
    });
  }
}

/** Maps `err` and logs it: bugs at error, deliberate server-side failures at warn, the rest at debug. */
function failureStatus(err: unknown, method: PreparedMethod, logger: Logger): GrpcErrorStatus {
  const { status, expected } = errorToGrpcStatus(err);
  if (!expected) logger.error({ method: method.name, err }, "grpc call failed");
  else if (status.code === GrpcStatus.INTERNAL || status.code === GrpcStatus.UNKNOWN || status.code === GrpcStatus.DATA_LOSS) {
    logger.warn({ method: method.name, code: status.metadata.get("cairn-error-code")[0], details: status.details }, "grpc call failed");
  } else logger.debug({ method: method.name, grpcCode: status.code, details: status.details }, "grpc call rejected");
  return status;
}

/** Decodes the request, runs the handler, encodes the response; never throws. */
export async function dispatchUnary(
  method: PreparedMethod,
  handler: AnyHandler,
  requestBytes: Buffer,
  context: CallContext,
  logger: Logger,
): Promise<UnaryOutcome> {
  try {
    const request = decodeRequest(method, requestBytes);
    const response = await handler(request, context);
    return { ok: true, response: method.serializeResponse(response) };
  } catch (err) {
    return { ok: false, status: failureStatus(err, method, logger) };
  }
}

/**
 * Decodes the request and yields each encoded response of a server-streaming handler; a failure
 * at any point is thrown as a `CallFailure`. Stopping the iteration stops the handler's iterator.
 */
export async function* dispatchServerStream(
  method: PreparedMethod,
  handler: AnyHandler,
  requestBytes: Buffer,
  context: CallContext,
  logger: Logger,
): AsyncGenerator<Buffer, void, undefined> {
  try {
    const request = decodeRequest(method, requestBytes);
    const responses = (await handler(request, context)) as AsyncIterable<unknown>;
    for await (const response of responses) yield method.serializeResponse(response);
  } catch (err) {
    throw new CallFailure(failureStatus(err, method, logger));
  }
}
