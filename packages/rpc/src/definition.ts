/**
 * Service definitions: the two shapes ts-proto emits for one proto service, and the one internal
 * shape (`PreparedMethod`) the server, the network client and the in-process client all use.
 *
 * - grpc-js (`outputServices=grpc-js`): `XServiceService`, an object of
 *   `{ path, requestStream, responseStream, requestSerialize, requestDeserialize, ... }`.
 * - generic (`outputServices=generic-definitions`): `XServiceDefinition`,
 *   `{ name, fullName, methods: { key: { name, requestType, responseType, ... } } }`.
 */
import type { MethodDefinition } from "@grpc/grpc-js";

/** A grpc-js service definition: method key → path and serializers (ts-proto `XServiceService`). */
export type GrpcServiceDefinition = { readonly [method: string]: MethodDefinition<any, any> };

/** The encode/decode half of a ts-proto `MessageFns<T>` (what generic definitions carry), and its `fromPartial`. */
export interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  /**
   * ts-proto's `fromPartial` (`outputPartialMethods=true`): a fresh message with every field set
   * (defaults for the missing ones, unknown properties dropped), nested messages and repeated
   * fields copied, `bytes` values shared. What the direct in-process client copies messages with.
   */
  fromPartial?(object: any): T;
}

/** One method of a ts-proto generic definition. */
export interface GenericMethodDefinition<Req = any, Res = any> {
  /** Proto method name, e.g. `GetHeadInfo`. */
  readonly name: string;
  readonly requestType: MessageCodec<Req>;
  readonly requestStream: boolean;
  readonly responseType: MessageCodec<Res>;
  readonly responseStream: boolean;
}

/** A ts-proto generic service definition (`XServiceDefinition`). */
export interface GenericServiceDefinition {
  /** Short name, e.g. `ChainService`. */
  readonly name: string;
  /** Fully qualified name, e.g. `cairn.chain.v1.ChainService`. */
  readonly fullName: string;
  readonly methods: { readonly [method: string]: GenericMethodDefinition };
}

/** Either shape; every function of this package accepts both. */
export type AnyServiceDefinition = GrpcServiceDefinition | GenericServiceDefinition;

/** A method as the rest of this package sees it, whatever shape it came from. */
export interface PreparedMethod {
  /** Key in the definition and in the client / implementation objects, e.g. `getHeadInfo`. */
  readonly key: string;
  /** gRPC path, e.g. `/cairn.chain.v1.ChainService/GetHeadInfo`. */
  readonly path: string;
  /** Path without the leading slash: the metrics label and the name used in errors and logs. */
  readonly name: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  readonly serializeRequest: (request: unknown) => Buffer;
  readonly deserializeRequest: (bytes: Buffer) => unknown;
  readonly serializeResponse: (response: unknown) => Buffer;
  readonly deserializeResponse: (bytes: Buffer) => unknown;
  /**
   * A copy of a request as the handler would decode it, without bytes in between: ts-proto's
   * `fromPartial` when the definition carries it, else serialize + deserialize.
   */
  readonly copyRequest: (request: unknown) => unknown;
  /** The same for a response. */
  readonly copyResponse: (response: unknown) => unknown;
}

/** A service as the rest of this package sees it. */
export interface PreparedService {
  /** Fully qualified service name (the health-check and reflection name), e.g. `cairn.chain.v1.ChainService`. */
  readonly serviceName: string;
  readonly methods: readonly PreparedMethod[];
}

/** True when `def` is a ts-proto generic definition rather than a grpc-js one. */
export function isGenericDefinition(def: AnyServiceDefinition): def is GenericServiceDefinition {
  const d = def as { fullName?: unknown; methods?: unknown };
  return typeof d.fullName === "string" && typeof d.methods === "object" && d.methods !== null;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function fromGeneric(def: GenericServiceDefinition): PreparedService {
  const methods = Object.entries(def.methods).map(([key, m]): PreparedMethod => {
    const path = `/${def.fullName}/${m.name}`;
    const serializeRequest = (v: unknown) => toBuffer(m.requestType.encode(v).finish());
    const deserializeRequest = (b: Buffer) => m.requestType.decode(b);
    const serializeResponse = (v: unknown) => toBuffer(m.responseType.encode(v).finish());
    const deserializeResponse = (b: Buffer) => m.responseType.decode(b);
    return {
      key,
      path,
      name: path.slice(1),
      requestStream: m.requestStream,
      responseStream: m.responseStream,
      serializeRequest,
      deserializeRequest,
      serializeResponse,
      deserializeResponse,
      copyRequest: copier(m.requestType, serializeRequest, deserializeRequest),
      copyResponse: copier(m.responseType, serializeResponse, deserializeResponse),
    };
  });
  return { serviceName: def.fullName, methods };
}

/** `fromPartial` bound to its codec when there is one, else a round trip through the bytes. */
function copier(codec: MessageCodec<unknown>, serialize: (v: unknown) => Buffer, deserialize: (b: Buffer) => unknown): (v: unknown) => unknown {
  const fromPartial = codec.fromPartial;
  return typeof fromPartial === "function" ? (v) => fromPartial.call(codec, v) : (v) => deserialize(serialize(v));
}

function fromGrpc(def: GrpcServiceDefinition): PreparedService {
  const methods = Object.entries(def).map(([key, m]): PreparedMethod => ({
    key,
    path: m.path,
    name: m.path.replace(/^\//, ""),
    requestStream: m.requestStream,
    responseStream: m.responseStream,
    serializeRequest: (v) => m.requestSerialize(v),
    deserializeRequest: (b) => m.requestDeserialize(b),
    serializeResponse: (v) => m.responseSerialize(v),
    deserializeResponse: (b) => m.responseDeserialize(b),
    // grpc-js definitions carry only serializers.
    copyRequest: (v) => m.requestDeserialize(m.requestSerialize(v)),
    copyResponse: (v) => m.responseDeserialize(m.responseSerialize(v)),
  }));
  const first = methods[0]?.name ?? "";
  return { serviceName: first.slice(0, Math.max(0, first.lastIndexOf("/"))), methods };
}

/** Normalizes either definition shape; throws on a definition with no methods or mixed services. */
export function prepareService(def: AnyServiceDefinition): PreparedService {
  const prepared = isGenericDefinition(def) ? fromGeneric(def) : fromGrpc(def);
  if (prepared.methods.length === 0) throw new Error("service definition has no methods");
  for (const m of prepared.methods) {
    if (!m.path.startsWith(`/${prepared.serviceName}/`)) {
      throw new Error(`method ${m.path} does not belong to service ${prepared.serviceName}`);
    }
  }
  return prepared;
}

/**
 * The grpc-js `ServiceDefinition` registered with the server: the same paths, but requests arrive
 * and responses leave as raw bytes, so decoding and encoding happen inside our handler wrapper
 * (a bad request becomes INVALID_ARGUMENT, an encoding bug is logged and counted, and the
 * in-process client runs the very same code).
 */
export function rawGrpcDefinition(service: PreparedService): GrpcServiceDefinition {
  const identity = (b: Buffer): Buffer => b;
  const def: Record<string, MethodDefinition<Buffer, Buffer>> = {};
  for (const m of service.methods) {
    def[m.key] = {
      path: m.path,
      requestStream: m.requestStream,
      responseStream: m.responseStream,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
      originalName: m.key,
    };
  }
  return def;
}

/** Keys `ClientControls` takes; no service method may use them as its key. */
export const RESERVED_CLIENT_KEYS: readonly string[] = ["address", "waitForReady", "close"];

/** Rejects a definition whose method keys clash with `ClientControls`. */
export function checkClientKeys(methods: readonly PreparedMethod[]): void {
  for (const m of methods) {
    if (RESERVED_CLIENT_KEYS.includes(m.key)) throw new Error(`method key "${m.key}" of ${m.path} clashes with a client control`);
  }
}
