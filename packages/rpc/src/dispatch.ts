/**
 * Running one call of an implementation, bytes in → bytes (or an error status) out, or — for the
 * direct in-process client — a message in → a copy of the response out. The gRPC server and both
 * in-process modes go through here, so request checks, error mapping and logging are identical on
 * a real hop and on its in-memory twins.
 */
import { CairnError, ErrorStatus, type Logger } from "@cairn/core";
import { status as GrpcStatus } from "@grpc/grpc-js";
import type { PreparedMethod } from "./definition.ts";
import { errorToGrpcStatus, RpcErrorCode, type GrpcErrorStatus } from "./error-mapping.ts";
import type { AnyHandler, CallContext } from "./types.ts";

/** Result of a unary call. */
export type UnaryOutcome<Out = Buffer> = { ok: true; response: Out } | { ok: false; status: GrpcErrorStatus };

/**
 * How a request reaches the handler and how its responses leave: decoded from bytes and encoded
 * back (`wirePassage`, a real or round-tripped hop), or copied (`copyPassage`, direct calls).
 */
export interface MessagePassage<In, Out> {
  /** The handler's request from what the caller sent; a failure is the caller's bad request. */
  request(input: In): unknown;
  /** What the caller gets from a handler's response; a failure is a bug of the handler. */
  response(message: unknown): Out;
}

/** Bytes in, bytes out: the definition's serializers. */
export function wirePassage(method: PreparedMethod): MessagePassage<Buffer, Buffer> {
  return { request: method.deserializeRequest, response: method.serializeResponse };
}

/**
 * Messages in, messages out, each side with its own copy (`PreparedMethod.copyRequest` /
 * `copyResponse`): the handler never sees what the caller changes after the call, nor the caller
 * what the handler keeps.
 */
export function copyPassage(method: PreparedMethod): MessagePassage<unknown, unknown> {
  return { request: method.copyRequest, response: method.copyResponse };
}

/** Thrown by `dispatchServerStream` when the stream fails; carries the status to send. */
export class CallFailure extends Error {
  constructor(readonly status: GrpcErrorStatus) {
    super(status.details);
    this.name = "CallFailure";
  }
}

function decodeRequest<In>(method: PreparedMethod, passage: MessagePassage<In, unknown>, input: In): unknown {
  try {
    return passage.request(input);
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

/** Decodes (or copies) the request, runs the handler, encodes (or copies) the response; never throws. */
export async function dispatchUnary<In = Buffer, Out = Buffer>(
  method: PreparedMethod,
  handler: AnyHandler,
  input: In,
  context: CallContext,
  logger: Logger,
  passage: MessagePassage<In, Out> = wirePassage(method) as unknown as MessagePassage<In, Out>,
): Promise<UnaryOutcome<Out>> {
  try {
    const request = decodeRequest(method, passage, input);
    const response = await handler(request, context);
    return { ok: true, response: passage.response(response) };
  } catch (err) {
    return { ok: false, status: failureStatus(err, method, logger) };
  }
}

/**
 * Decodes (or copies) the request and yields each encoded (or copied) response of a
 * server-streaming handler; a failure at any point is thrown as a `CallFailure`. Stopping the
 * iteration stops the handler's iterator.
 */
export async function* dispatchServerStream<In = Buffer, Out = Buffer>(
  method: PreparedMethod,
  handler: AnyHandler,
  input: In,
  context: CallContext,
  logger: Logger,
  passage: MessagePassage<In, Out> = wirePassage(method) as unknown as MessagePassage<In, Out>,
): AsyncGenerator<Out, void, undefined> {
  try {
    const request = decodeRequest(method, passage, input);
    const responses = (await handler(request, context)) as AsyncIterable<unknown>;
    for await (const response of responses) yield passage.response(response);
  } catch (err) {
    throw new CallFailure(failureStatus(err, method, logger));
  }
}
