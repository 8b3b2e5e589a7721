/**
 * The method table: every unary RPC of every service in the descriptors (`listServices()`) for
 * which a client was given, with its request/response JSON codecs, its bound client function and
 * its access verdict. Built once at start; JSON-RPC, REST and the OpenAPI document all read it, so
 * an rpc added to a .proto is served everywhere with no gateway code.
 */
import type { JsonCodec, MessageJsonCodec, MethodInfo, ServiceInfo } from "@cairn/protocol";
import type { CallOptions } from "@cairn/rpc";
import { type Access, type AccessRules, accessChecker, QUALIFIED_PREFIX } from "./access.ts";

/** A unary client method as both the gRPC and the in-process client expose it. */
export type ClientMethod = (request: unknown, options?: CallOptions) => Promise<unknown>;

/**
 * Clients by fully qualified service name (`cairn.chain.v1.ChainService`), each with one method per
 * RPC keyed like the generic definition (`getHeadInfo`): what `createGrpcClient` and
 * `createInProcessClient` return.
 */
export type GatewayClients = Readonly<Record<string, object>>;

/** One callable method. */
export interface TableMethod {
  readonly service: ServiceInfo;
  readonly info: MethodInfo;
  /** `chain.get_head_info`: the canonical name (metrics, logs, OpenAPI). */
  readonly name: string;
  /** `koinos.rpc.chain.get_head_info`: what allow/deny rules match. */
  readonly qualifiedName: string;
  readonly input: MessageJsonCodec;
  readonly output: MessageJsonCodec;
  readonly access: Access;
  /** Identical concurrent calls share one service call (options `jsonRpc.coalesce`). */
  readonly coalesce: boolean;
  /** Calls the service (the client's own method, bound). */
  readonly call: ClientMethod;
}

/** The result of resolving a JSON-RPC method string. */
export type Resolution =
  | { readonly ok: true; readonly method: TableMethod }
  | { readonly ok: false; readonly reason: "malformed" | "invalid_service" | "unknown_method" };

/** The gateway's method table. */
export interface MethodTable {
  /** Resolves `chain.get_head_info` or `koinos.rpc.chain.get_head_info` (Koinos's parsing rules). */
  resolve(method: string): Resolution;
  /** A method by service and method name (`"chain"`, `"get_head_info"`), or undefined. */
  get(service: string, method: string): TableMethod | undefined;
  /** Every method in the table, reachable or not, in descriptor order. */
  readonly methods: readonly TableMethod[];
  /** The methods clients may call (access `allowed`). */
  readonly reachable: readonly TableMethod[];
}

/** Most dotted parts before the method name (koinos-jsonrpc `MaxMethodNamespaces`). */
const MAX_NAMESPACES = 3;

/**
 * Builds the table from the codec's service catalog and the clients given. Services without a
 * client are left out (their methods answer "invalid service name provided"); streaming RPCs are
 * left out (JSON-RPC is request/response).
 */
export function buildMethodTable(codec: JsonCodec, clients: GatewayClients, rules: AccessRules & { readonly coalesce?: readonly string[] }): MethodTable {
  const check = accessChecker(rules);
  const coalesce = new Set(rules.coalesce ?? []);
  const byService = new Map<string, Map<string, TableMethod>>();
  const methods: TableMethod[] = [];
  for (const service of codec.listServices()) {
    const client = clients[service.typeName] as Record<string, unknown> | undefined;
    if (client === undefined) continue;
    const entries = new Map<string, TableMethod>();
    for (const info of service.methods) {
      if (info.methodKind !== "unary") continue;
      const fn = client[info.definitionKey];
      if (typeof fn !== "function") continue;
      const qualifiedName = `${QUALIFIED_PREFIX}${service.jsonRpcService}.${info.jsonRpcName}`;
      const m: TableMethod = {
        service,
        info,
        name: info.jsonRpcMethod,
        qualifiedName,
        input: codec.forType(info.inputType),
        output: codec.forType(info.outputType),
        access: check(qualifiedName),
        coalesce: coalesce.has(info.jsonRpcMethod),
        call: (fn as ClientMethod).bind(client),
      };
      entries.set(info.jsonRpcName, m);
      methods.push(m);
    }
    byService.set(QUALIFIED_PREFIX + service.jsonRpcService, entries);
  }

  return {
    methods,
    reachable: methods.filter((m) => m.access === "allowed"),
    get: (service, method) => byService.get(QUALIFIED_PREFIX + service)?.get(method),
    resolve(method) {
      // koinos-jsonrpc parseMethod: split into at most 4 parts; the last is the method, the one
      // before it the service; with exactly two parts the service is qualified as koinos.rpc.<s>.
      const parts = splitN(method, MAX_NAMESPACES + 1);
      if (parts.length < 2) return { ok: false, reason: "malformed" };
      const name = parts[parts.length - 1]!;
      const qualifiedService = parts.length === 2 ? QUALIFIED_PREFIX + parts[0]! : parts.slice(0, -1).join(".");
      const entries = byService.get(qualifiedService);
      if (entries === undefined) return { ok: false, reason: "invalid_service" };
      const m = entries.get(name);
      return m === undefined ? { ok: false, reason: "unknown_method" } : { ok: true, method: m };
    },
  };
}

/** Go's `strings.SplitN(s, ".", n)`. */
function splitN(s: string, n: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (out.length < n - 1) {
    const i = s.indexOf(".", start);
    if (i < 0) break;
    out.push(s.slice(start, i));
    start = i + 1;
  }
  out.push(s.slice(start));
  return out;
}
