/**
 * The in-memory twin of a gRPC hop: a client with the same shape as `createGrpcClient`'s that
 * calls the implementation in this process, mapping errors through the same code as the server
 * and the network client, with the same deadlines and abort semantics. Two modes:
 *
 * - round trip (the default): the request and the response are encoded and decoded with the
 *   definition's serializers, as on the wire, so encoding bugs show up in tests too;
 * - direct (`direct: true`, the one-process node's hot paths): no bytes at all; the handler gets
 *   a copy of the request and the caller a copy of the response (ts-proto's `fromPartial`: every
 *   field set as decoding would set it, nested messages and lists copied). Neither side sees
 *   objects the other one changes afterwards. `bytes` values (Uint8Array) are shared, not copied:
 *   messages' byte arrays are values everywhere in Cairn and are never written in place.
 */
import { silentLogger, type Logger } from "@cairn/core";
import { Metadata, status as GrpcStatus } from "@grpc/grpc-js";
import { DEFAULT_DEADLINE_MS } from "./defaults.ts";
import { checkClientKeys, prepareService, type AnyServiceDefinition, type PreparedMethod } from "./definition.ts";
import { CallFailure, copyPassage, dispatchServerStream, dispatchUnary, wirePassage, type MessagePassage } from "./dispatch.ts";
import { grpcStatusToError, type CallInfo, type ReceivedGrpcError } from "./error-mapping.ts";
import type { AnyHandler, CallContext, CallOptions, ServiceClient, ServiceImplementation } from "./types.ts";

/** Options of `createInProcessClient`. */
export interface InProcessClientOptions {
  /** Deadline of each call in ms unless the call sets its own; `Infinity` means none. Default `DEFAULT_DEADLINE_MS` (5000), as the network client. */
  deadlineMs?: number;
  /**
   * Skip protobuf: pass copies of the messages instead of their bytes (see the module comment).
   * Default false: every message is round-tripped through its serializers.
   */
  direct?: boolean;
  /**
   * With `direct`: the caller gets the handler's response object itself, not a copy. Only for a
   * service whose handlers build a fresh response for every call out of values nobody changes
   * (shared, read-only: decoded records of a cache) and callers that only read it — a copy would
   * cost as much as decoding again and drop what the values carry (`CONTENT_KEY`). Default false.
   */
  shareResponses?: boolean;
  /**
   * With `direct`: the handler gets the caller's request object itself, not a copy. Only for
   * callers that build a whole request (every field, as decoding sets it) for each call and do
   * not change it or its messages afterwards (the gateway's requests decoded from JSON, a block
   * handed on) — a copy of a block and its transactions costs as much as decoding it. Default false.
   */
  shareRequests?: boolean;
}

/** What the in-process client uses. */
export interface InProcessClientDeps {
  /** Where handler failures are logged, as the server would log them; default silent. */
  logger?: Logger;
}

const ADDRESS = "in-process";

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** One call's abort signal: aborted by the caller's signal or by the deadline, with the error the caller gets. */
function callScope(m: PreparedMethod, callOptions: CallOptions, defaultDeadlineMs: number) {
  const deadlineMs = callOptions.deadlineMs ?? defaultDeadlineMs;
  const info: CallInfo = { method: m.name, address: ADDRESS };
  if (Number.isFinite(deadlineMs)) info.deadlineMs = deadlineMs;
  const fail = (e: ReceivedGrpcError) => grpcStatusToError(e, info);
  const controller = new AbortController();
  // One promise per awaited step, rejected by an abort (was: an abort promise, its catch and a
  // Promise.race per call: three promises on every in-process call of the dev node).
  let rejectStep: ((reason: unknown) => void) | undefined;
  // The call is aborted only here (the caller's signal, the deadline): the step is rejected right
  // after, in the same turn, rather than by a listener on our own signal (one less per call).
  const abort = (reason: unknown) => {
    if (controller.signal.aborted) return;
    controller.abort(reason);
    rejectStep?.(controller.signal.reason);
  };
  const onCallerAbort = () => abort(callOptions.signal?.reason);
  callOptions.signal?.addEventListener("abort", onCallerAbort, { once: true });
  const timer = Number.isFinite(deadlineMs)
    ? setTimeout(() => abort(fail({ code: GrpcStatus.DEADLINE_EXCEEDED, details: "Deadline exceeded" })), deadlineMs)
    : undefined;
  const context: CallContext = {
    method: m.name,
    deadline: Number.isFinite(deadlineMs) ? new Date(Date.now() + deadlineMs) : undefined,
    metadata: new Metadata(),
    signal: controller.signal,
    peer: ADDRESS,
  };
  /** `step`, or a rejection with the abort reason as soon as the call is aborted. */
  const untilAborted = <T>(step: Promise<T>): Promise<T> => {
    if (controller.signal.aborted) {
      step.catch(() => {});
      return Promise.reject(controller.signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      rejectStep = reject;
      step.then(resolve, reject);
    });
  };
  const end = () => {
    clearTimeout(timer);
    callOptions.signal?.removeEventListener("abort", onCallerAbort);
  };
  const encodeRequest = (request: unknown): Buffer => {
    try {
      return m.serializeRequest(request);
    } catch (err) {
      throw fail({ code: GrpcStatus.INTERNAL, details: `Request message serialization failure: ${message(err)}` });
    }
  };
  const decodeResponse = (bytes: Buffer): unknown => {
    try {
      return m.deserializeResponse(bytes);
    } catch (err) {
      throw fail({ code: GrpcStatus.INTERNAL, details: `Response message parsing error: ${message(err)}` });
    }
  };
  return { context, untilAborted, fail, end, encodeRequest, decodeResponse };
}

/**
 * A `ServiceClient` over `implementation` with no network in between. Requests and responses
 * are round-tripped through the definition's serializers, or copied with `direct`; failures
 * reject with the same `CairnError`s a network call would produce; deadlines and abort signals
 * behave the same.
 */
export function createInProcessClient<TDef extends AnyServiceDefinition>(
  definition: TDef,
  implementation: ServiceImplementation<TDef>,
  options: InProcessClientOptions = {},
  deps: InProcessClientDeps = {},
): ServiceClient<TDef> {
  const service = prepareService(definition);
  checkClientKeys(service.methods);
  const defaultDeadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const logger = deps.logger ?? silentLogger();
  const impl = implementation as Record<string, unknown>;
  const direct = options.direct ?? false;
  const shareResponses = options.shareResponses ?? false;
  const shareRequests = options.shareRequests ?? false;

  /** The bound handler, or `undefined` when missing (the call then fails UNIMPLEMENTED, as over grpc-js). */
  function handlerOf(m: PreparedMethod): AnyHandler | undefined {
    const fn = impl[m.key];
    return typeof fn === "function" ? (fn as AnyHandler).bind(impl) : undefined;
  }
  const unimplemented = (m: PreparedMethod) => ({ code: GrpcStatus.UNIMPLEMENTED, details: `The server does not implement the method ${m.path}` });

  /** Round trip: bytes reach dispatch and come back. Direct: the messages themselves (dispatch copies them). */
  function passageOf(m: PreparedMethod): MessagePassage<unknown, unknown> {
    if (!direct) return wirePassage(m) as unknown as MessagePassage<unknown, unknown>;
    const copy = copyPassage(m);
    return { request: shareRequests ? (r) => r : copy.request, response: shareResponses ? (r) => r : copy.response };
  }

  function unary(m: PreparedMethod) {
    const handler = handlerOf(m);
    const passage = passageOf(m);
    return async (request: unknown, callOptions: CallOptions = {}): Promise<unknown> => {
      callOptions.signal?.throwIfAborted();
      const scope = callScope(m, callOptions, defaultDeadlineMs);
      try {
        const sent = direct ? request : scope.encodeRequest(request);
        if (!handler) throw scope.fail(unimplemented(m));
        const outcome = await scope.untilAborted(dispatchUnary(m, handler, sent, scope.context, logger, passage));
        if (!outcome.ok) throw scope.fail(outcome.status);
        return direct ? outcome.response : scope.decodeResponse(outcome.response as Buffer);
      } finally {
        scope.end();
      }
    };
  }

  function serverStream(m: PreparedMethod) {
    const handler = handlerOf(m);
    const passage = passageOf(m);
    return async function* (request: unknown, callOptions: CallOptions = {}): AsyncGenerator<unknown, void, undefined> {
      callOptions.signal?.throwIfAborted();
      const scope = callScope(m, callOptions, defaultDeadlineMs);
      let responses: AsyncGenerator<unknown, void, undefined> | undefined;
      try {
        const sent = direct ? request : scope.encodeRequest(request);
        if (!handler) throw scope.fail(unimplemented(m));
        responses = dispatchServerStream(m, handler, sent, scope.context, logger, passage);
        for (;;) {
          const next = await scope.untilAborted(responses.next());
          if (next.done) return;
          yield direct ? next.value : scope.decodeResponse(next.value as Buffer);
        }
      } catch (err) {
        throw err instanceof CallFailure ? scope.fail(err.status) : err;
      } finally {
        scope.end();
        void responses?.return(undefined).catch(() => {});
      }
    };
  }

  const result: Record<string, unknown> = {
    address: ADDRESS,
    waitForReady: async () => {},
    close: () => {},
  };
  for (const m of service.methods) {
    if (m.requestStream) continue;
    result[m.key] = m.responseStream ? serverStream(m) : unary(m);
  }
  return result as ServiceClient<TDef>;
}
