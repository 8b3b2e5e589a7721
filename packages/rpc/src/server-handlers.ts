/**
 * Adapters from plain async implementation functions to grpc-js handlers: build the
 * `CallContext` (deadline, metadata, abort signal), run the call through `dispatch`, answer
 * through the grpc-js callback or stream, and record the call's metrics. Services never see a
 * grpc-js callback.
 */
import { once } from "node:events";
import { CairnError, ErrorStatus, type Logger } from "@cairn/core";
import {
  status as GrpcStatus,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedHandleCall,
} from "@grpc/grpc-js";
import type { PreparedMethod } from "./definition.ts";
import { CallFailure, dispatchServerStream, dispatchUnary } from "./dispatch.ts";
import { grpcStatusName, RpcErrorCode } from "./error-mapping.ts";
import type { GrpcServerMetrics } from "./server-metrics.ts";
import type { AnyHandler, CallContext } from "./types.ts";

/** What the adapters use. */
export interface HandlerDeps {
  logger: Logger;
  metrics: GrpcServerMetrics;
}

/** The part of a grpc-js server call the context needs (common to unary calls and streams). */
type RawCall = Pick<ServerUnaryCall<Buffer, Buffer>, "getDeadline" | "getPeer" | "metadata"> & {
  on(event: "cancelled", listener: () => void): unknown;
  off(event: "cancelled", listener: () => void): unknown;
};

interface ActiveCall {
  context: CallContext;
  /** The status code to report for a call that ended early, or `undefined`. */
  earlyEndCode(): number | undefined;
  /** Detaches from the call's events once the call is answered. */
  detach(): void;
}

function toDate(deadline: Date | number): Date | undefined {
  if (deadline instanceof Date) return deadline;
  return Number.isFinite(deadline) ? new Date(deadline) : undefined;
}

function activate(call: RawCall, method: PreparedMethod): ActiveCall {
  const controller = new AbortController();
  const deadline = toDate(call.getDeadline());
  const expired = () => deadline !== undefined && Date.now() >= deadline.getTime();
  const onCancelled = () => {
    const reason = expired()
      ? new CairnError(RpcErrorCode.DeadlineExceeded, `deadline exceeded in ${method.name}`, { status: ErrorStatus.DeadlineExceeded })
      : new CairnError(RpcErrorCode.Cancelled, `${method.name} call cancelled (caller gone or server stopping)`, { status: GrpcStatus.CANCELLED as number as ErrorStatus });
    controller.abort(reason);
  };
  call.on("cancelled", onCancelled);
  return {
    context: { method: method.name, deadline, metadata: call.metadata, signal: controller.signal, peer: call.getPeer() },
    earlyEndCode: () => (controller.signal.aborted ? (expired() ? GrpcStatus.DEADLINE_EXCEEDED : GrpcStatus.CANCELLED) : undefined),
    detach: () => call.off("cancelled", onCancelled),
  };
}

function elapsedSeconds(startedMs: number): number {
  return (performance.now() - startedMs) / 1000;
}

function unaryHandler(method: PreparedMethod, fn: AnyHandler, deps: HandlerDeps): handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    const started = performance.now();
    const active = activate(call, method);
    void dispatchUnary(method, fn, call.request, active.context, deps.logger).then((outcome) => {
      active.detach();
      const code = active.earlyEndCode() ?? (outcome.ok ? GrpcStatus.OK : outcome.status.code);
      deps.metrics.observe(method.name, grpcStatusName(code), elapsedSeconds(started));
      if (outcome.ok) callback(null, outcome.response);
      else callback(outcome.status);
    });
  };
}

async function write(call: ServerWritableStream<Buffer, Buffer>, bytes: Buffer, signal: AbortSignal): Promise<void> {
  if (call.write(bytes)) return;
  await once(call, "drain", { signal }).catch(() => {});
}

function serverStreamHandler(method: PreparedMethod, fn: AnyHandler, deps: HandlerDeps): handleServerStreamingCall<Buffer, Buffer> {
  return (call) => {
    const started = performance.now();
    const active = activate(call, method);
    const run = async (): Promise<number> => {
      try {
        for await (const bytes of dispatchServerStream(method, fn, call.request, active.context, deps.logger)) {
          if (active.context.signal.aborted) break;
          await write(call, bytes, active.context.signal);
        }
        call.end();
        return GrpcStatus.OK;
      } catch (err) {
        const status = (err as CallFailure).status;
        call.emit("error", status);
        return status.code;
      }
    };
    void run().then((code) => {
      active.detach();
      deps.metrics.observe(method.name, grpcStatusName(active.earlyEndCode() ?? code), elapsedSeconds(started));
    });
  };
}

/**
 * The grpc-js implementation object for one service (keys as in `rawGrpcDefinition`). Methods the
 * implementation lacks, and client-streaming / bidi methods, are left out: grpc-js answers them
 * with UNIMPLEMENTED. Returns the keys that were left out.
 */
export function grpcImplementation(
  methods: readonly PreparedMethod[],
  implementation: Record<string, unknown>,
  deps: HandlerDeps,
): { handlers: Record<string, UntypedHandleCall>; missing: string[] } {
  const handlers: Record<string, UntypedHandleCall> = {};
  const missing: string[] = [];
  for (const m of methods) {
    const fn = implementation[m.key];
    if (typeof fn !== "function" || m.requestStream) {
      missing.push(m.key);
      continue;
    }
    const bound = (fn as AnyHandler).bind(implementation);
    handlers[m.key] = m.responseStream ? serverStreamHandler(m, bound, deps) : unaryHandler(m, bound, deps);
  }
  return { handlers, missing };
}
