/**
 * The typed faces of a service definition: what an implementation provides
 * (`ServiceImplementation<TDef>`) and what a caller gets (`PromiseClient<TDef>`). Request and
 * response types are read from the definition itself (ts-proto's `as const` objects keep them),
 * so nothing is declared twice. Unary methods map to promises, server-streaming methods to async
 * iterables; client-streaming and bidirectional methods are not supported and are left out.
 */
import type { Metadata } from "@grpc/grpc-js";

/** The method table of a definition of either shape. */
export type MethodsOf<TDef> = TDef extends { readonly fullName: string; readonly methods: infer M } ? M : TDef;

/** The request type of one method (from `requestType.decode` or `requestDeserialize`). */
export type RequestOf<M> = M extends { readonly requestType: { decode(...args: any[]): infer R } }
  ? R
  : M extends { readonly requestDeserialize: (...args: any[]) => infer R }
    ? R
    : never;

/** The response type of one method (from `responseType.decode` or `responseDeserialize`). */
export type ResponseOf<M> = M extends { readonly responseType: { decode(...args: any[]): infer R } }
  ? R
  : M extends { readonly responseDeserialize: (...args: any[]) => infer R }
    ? R
    : never;

/** Method keys this package serves and calls: everything except client-streaming and bidi methods. */
export type SupportedKeys<TDef> = {
  [K in keyof MethodsOf<TDef>]: MethodsOf<TDef>[K] extends { readonly requestStream: true } ? never : K;
}[keyof MethodsOf<TDef>] &
  string;

/** What a server handler receives besides the request. */
export interface CallContext {
  /** Method name without the leading slash, e.g. `cairn.chain.v1.ChainService/GetHeadInfo`. */
  readonly method: string;
  /** When the caller stops waiting; `undefined` when the caller set no deadline. */
  readonly deadline: Date | undefined;
  /** Request metadata (headers) as sent by the caller. */
  readonly metadata: Metadata;
  /**
   * Aborted when the call ends early: the caller cancelled, its deadline passed, or the server was
   * force-stopped. Pass it to downstream calls and long work so they stop too.
   */
  readonly signal: AbortSignal;
  /** The caller's address, or `in-process`. */
  readonly peer: string;
}

/** Per-call options of a client method. */
export interface CallOptions {
  /** Deadline for this call in ms; overrides the client's `deadlineMs`. `Infinity` means none. */
  deadlineMs?: number;
  /** Cancels the call; the returned promise then rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** A unary method's implementation. */
export type UnaryHandler<Req, Res> = (request: Req, context: CallContext) => Promise<Res> | Res;
/** A server-streaming method's implementation (typically an `async function*`). */
export type ServerStreamHandler<Req, Res> = (request: Req, context: CallContext) => AsyncIterable<Res>;

/**
 * What a service provides for `TDef`: plain (async) functions, no grpc-js callbacks. Throw a
 * `CairnError` to fail a call with its status, code and data; anything else becomes INTERNAL.
 */
export type ServiceImplementation<TDef> = {
  [K in SupportedKeys<TDef>]: MethodsOf<TDef>[K] extends { readonly responseStream: true }
    ? ServerStreamHandler<RequestOf<MethodsOf<TDef>[K]>, ResponseOf<MethodsOf<TDef>[K]>>
    : UnaryHandler<RequestOf<MethodsOf<TDef>[K]>, ResponseOf<MethodsOf<TDef>[K]>>;
};

/**
 * A promise-based client for `TDef`: `client.getHeadInfo(request, options?)`. Failed calls reject
 * with a `CairnError` carrying the server's code, status, chainCode and data unchanged.
 */
export type PromiseClient<TDef> = {
  [K in SupportedKeys<TDef>]: MethodsOf<TDef>[K] extends { readonly responseStream: true }
    ? (request: RequestOf<MethodsOf<TDef>[K]>, options?: CallOptions) => AsyncIterable<ResponseOf<MethodsOf<TDef>[K]>>
    : (request: RequestOf<MethodsOf<TDef>[K]>, options?: CallOptions) => Promise<ResponseOf<MethodsOf<TDef>[K]>>;
};

/** Untyped view used inside the package. */
export type AnyHandler = (request: unknown, context: CallContext) => unknown;

/** Connection controls every client has besides its methods (names no service method may use). */
export interface ClientControls {
  /** `host:port` of the server, or `in-process`. */
  readonly address: string;
  /**
   * Resolves once the server is reachable, retrying with backoff and logging each wait; rejects
   * with an `rpc.unavailable` CairnError after `timeoutMs`.
   */
  waitForReady(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Closes the channel; calls made afterwards fail. */
  close(): void;
}

/** A client of `TDef`: its methods plus the connection controls. Network and in-process clients share it. */
export type ServiceClient<TDef> = PromiseClient<TDef> & ClientControls;

