/**
 * The RPC catalog read from the descriptors, in the shape the gateway builds its JSON-RPC method
 * table from: for each service, each method's proto name, Koinos-style snake_case name, request
 * and response types, and the key of the method in ts-proto's generic service definition. Adding
 * an rpc to a .proto therefore adds a JSON-RPC method with no gateway code.
 */
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import type { Descriptors } from "./descriptors.ts";

/** One RPC of a service. */
export interface MethodInfo {
  /** Proto method name, e.g. "GetHeadInfo". */
  readonly name: string;
  /** Koinos JSON-RPC method name, e.g. "get_head_info". */
  readonly jsonRpcName: string;
  /** Full JSON-RPC method, e.g. "chain.get_head_info". */
  readonly jsonRpcMethod: string;
  /** Key in ts-proto's generic definition (`ChainServiceDefinition.methods`), e.g. "getHeadInfo". */
  readonly definitionKey: string;
  /** Request message type, e.g. "cairn.chain.v1.GetHeadInfoRequest". */
  readonly inputType: string;
  /** Response message type, e.g. "cairn.chain.v1.GetHeadInfoResponse". */
  readonly outputType: string;
  /** "unary" for every Cairn RPC today; streaming methods are listed too. */
  readonly methodKind: DescMethod["methodKind"];
  /** Leading comment of the rpc in the .proto ("" when none). */
  readonly description: string;
}

/** One service. */
export interface ServiceInfo {
  /** Fully qualified name, e.g. "cairn.chain.v1.ChainService". */
  readonly typeName: string;
  /** Short name, e.g. "ChainService". */
  readonly name: string;
  /** Proto package, e.g. "cairn.chain.v1". */
  readonly packageName: string;
  /** Koinos JSON-RPC service name: the package without "cairn." and the version, e.g. "chain". */
  readonly jsonRpcService: string;
  /** Name of ts-proto's generic definition export in the package namespace, e.g. "ChainServiceDefinition". */
  readonly definitionName: string;
  /** Leading comment of the service in the .proto ("" when none). */
  readonly description: string;
  readonly methods: readonly MethodInfo[];
}

/** Every service in the descriptors, in file and declaration order. */
export function readServices(descriptors: Descriptors): ServiceInfo[] {
  const out: ServiceInfo[] = [];
  for (const file of descriptors.registry.files) {
    for (const s of file.services) out.push(serviceInfo(s, descriptors));
  }
  return out;
}

function serviceInfo(s: DescService, descriptors: Descriptors): ServiceInfo {
  const packageName = s.file.proto.package;
  const jsonRpcService = jsonRpcServiceName(packageName);
  return {
    typeName: s.typeName,
    name: s.name,
    packageName,
    jsonRpcService,
    definitionName: `${s.name}Definition`,
    description: descriptors.comment(s),
    methods: s.methods.map((m) => {
      const jsonRpcName = snakeCase(m.name);
      return {
        name: m.name,
        jsonRpcName,
        jsonRpcMethod: `${jsonRpcService}.${jsonRpcName}`,
        definitionKey: m.name.charAt(0).toLowerCase() + m.name.slice(1),
        inputType: m.input.typeName,
        outputType: m.output.typeName,
        methodKind: m.methodKind,
        description: descriptors.comment(m),
      };
    }),
  };
}

/** "cairn.block_store.v1" → "block_store". */
export function jsonRpcServiceName(packageName: string): string {
  const parts = packageName.split(".");
  if (parts[0] === "cairn") parts.shift();
  if (parts.length > 1 && /^v\d+/.test(parts[parts.length - 1]!)) parts.pop();
  return parts.join(".");
}

/** "GetHeadInfo" → "get_head_info", "GetHTTPInfo" → "get_http_info". */
export function snakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();
}
