/**
 * The network client: one grpc-js channel to one server, exposed as a promise-based object with
 * one method per RPC of the definition. gRPC failures come back as the `CairnError` the server
 * threw (see error-mapping.ts), so callers handle a remote error exactly like a local one.
 */
import { CairnError, ErrorStatus, retryWithBackoff, silentLogger, type Logger } from "@cairn/core";
import { Client, connectivityState, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { DEFAULT_DEADLINE_MS, DEFAULT_MAX_MESSAGE_BYTES, RECONNECT_BACKOFF_MS } from "./defaults.ts";
import { checkClientKeys, prepareService, type AnyServiceDefinition, type PreparedMethod } from "./definition.ts";
import { grpcStatusToError, RpcErrorCode, type CallInfo } from "./error-mapping.ts";
import type { CallOptions, ServiceClient } from "./types.ts";

/** Options of `createGrpcClient`. */
export interface GrpcClientOptions {
  /** Deadline of each call in ms unless the call sets its own; `Infinity` means none. Default `DEFAULT_DEADLINE_MS` (5000). */
  deadlineMs?: number;
  /**
   * When set, a call made while the channel is not connected first waits up to this many ms for
   * it instead of failing at once with UNAVAILABLE. Default unset (fail fast): services start in
   * any order, and callers that must tolerate that say so explicitly.
   */
  waitForReadyMs?: number;
  /** Largest message sent or received, in bytes. Default `DEFAULT_MAX_MESSAGE_BYTES` (64 MiB). */
  maxMessageBytes?: number;
}

/** What the client uses. */
export interface GrpcClientDeps {
  /** For `waitForReady` progress lines; default silent. */
  logger?: Logger;
}

/** How long one `waitForReady` attempt waits for the channel before logging and backing off. */
const READY_ATTEMPT_MS = 250;

/** Absolute grpc-js deadline for a call of `ms`. */
export function deadlineAfter(ms: number): number {
  return Number.isFinite(ms) ? Date.now() + ms : Infinity;
}

function isServiceError(e: unknown): e is ServiceError {
  return typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "number" && "details" in e;
}

/**
 * A promise-based client of `definition` (either ts-proto shape) at `address` (`host:port`),
 * over an insecure channel (Cairn's services talk on a private network). Nothing connects until
 * the first call or `waitForReady`.
 */
export function createGrpcClient<TDef extends AnyServiceDefinition>(
  definition: TDef,
  address: string,
  options: GrpcClientOptions = {},
  deps: GrpcClientDeps = {},
): ServiceClient<TDef> {
  const service = prepareService(definition);
  checkClientKeys(service.methods);
  const defaultDeadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const logger = deps.logger ?? silentLogger();
  const client = new Client(address, credentials.createInsecure(), {
    "grpc.max_receive_message_length": maxBytes,
    "grpc.max_send_message_length": maxBytes,
    "grpc.initial_reconnect_backoff_ms": RECONNECT_BACKOFF_MS.initial,
    "grpc.max_reconnect_backoff_ms": RECONNECT_BACKOFF_MS.max,
  });

  const waitOnce = (ms: number) =>
    new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + ms, (err) => (err ? reject(err) : resolve())));

  const notReady = (ms: number, cause: unknown) =>
    new CairnError(RpcErrorCode.Unavailable, `${service.serviceName} at ${address} not ready within ${ms} ms`, {
      status: ErrorStatus.Unavailable,
      data: { address, service: service.serviceName, timeoutMs: ms },
      cause,
    });

  async function ensureReady(): Promise<void> {
    if (options.waitForReadyMs === undefined) return;
    if (client.getChannel().getConnectivityState(true) === connectivityState.READY) return;
    await waitOnce(options.waitForReadyMs).catch((err: unknown) => {
      throw notReady(options.waitForReadyMs!, err);
    });
  }

  function callInfo(m: PreparedMethod, callOptions: CallOptions): { info: CallInfo; deadline: number } {
    const deadlineMs = callOptions.deadlineMs ?? defaultDeadlineMs;
    const info: CallInfo = { method: m.name, address };
    if (Number.isFinite(deadlineMs)) info.deadlineMs = deadlineMs;
    return { info, deadline: deadlineAfter(deadlineMs) };
  }

  function unary(m: PreparedMethod) {
    return async (request: unknown, callOptions: CallOptions = {}): Promise<unknown> => {
      const signal = callOptions.signal;
      signal?.throwIfAborted();
      await ensureReady();
      signal?.throwIfAborted();
      const { info, deadline } = callInfo(m, callOptions);
      return new Promise((resolve, reject) => {
        const call = client.makeUnaryRequest(m.path, m.serializeRequest, m.deserializeResponse, request, new Metadata(), { deadline }, (err, value) => {
          signal?.removeEventListener("abort", onAbort);
          if (signal?.aborted) reject(signal.reason);
          else if (err) reject(grpcStatusToError(err, info));
          else resolve(value);
        });
        const onAbort = () => call.cancel();
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    };
  }

  function serverStream(m: PreparedMethod) {
    return async function* (request: unknown, callOptions: CallOptions = {}): AsyncGenerator<unknown, void, undefined> {
      const signal = callOptions.signal;
      signal?.throwIfAborted();
      await ensureReady();
      const { info, deadline } = callInfo(m, callOptions);
      const call = client.makeServerStreamRequest(m.path, m.serializeRequest, m.deserializeResponse, request, new Metadata(), { deadline });
      const onAbort = () => call.cancel();
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        for await (const message of call) yield message;
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        throw isServiceError(err) ? grpcStatusToError(err, info) : err;
      } finally {
        signal?.removeEventListener("abort", onAbort);
        call.cancel();
      }
    };
  }

  const result: Record<string, unknown> = {
    address,
    async waitForReady(timeoutMs: number, signal?: AbortSignal): Promise<void> {
      const until = Date.now() + timeoutMs;
      await retryWithBackoff(() => waitOnce(Math.max(1, Math.min(READY_ATTEMPT_MS, until - Date.now()))), {
        what: `grpc ${service.serviceName} at ${address}`,
        timeoutMs,
        initialDelayMs: 100,
        maxDelayMs: 2000,
        signal,
        logger,
      }).catch((err: unknown) => {
        throw signal?.aborted ? signal.reason : notReady(timeoutMs, err);
      });
    },
    close: () => client.close(),
  };
  for (const m of service.methods) {
    if (m.requestStream) continue;
    result[m.key] = m.responseStream ? serverStream(m) : unary(m);
  }
  return result as ServiceClient<TDef>;
}
