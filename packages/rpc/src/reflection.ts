/**
 * gRPC server reflection (`grpc.reflection.v1` and `v1alpha`) answered from a real
 * FileDescriptorSet — the `buf build` image of every Cairn proto with its imports, plus
 * `grpc/health/v1/health.proto`. Files are served exactly as buf compiled them: their own names,
 * `dependency` lists and fully qualified type names, each answer carrying the requested file and
 * everything it imports, so `buf curl`, grpcurl, Postman and other-language clients can list and
 * call every method with no .proto files at hand. Only the services a server hosts are listed;
 * every type of the set can be described.
 *
 * (@grpc/reflection rebuilds descriptors from proto-loader definitions, which loses dependency
 * lists and file names; only its .proto files of the reflection service itself are used here.)
 */
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { type DescriptorProto, type FileDescriptorProto, FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { type Server, type ServerDuplexStream, loadPackageDefinition, status } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { protoPath as healthProtoPath } from "grpc-health-check";

/** A serialized `google.protobuf.FileDescriptorSet` (e.g. `buf build -o set.binpb`), or the path of one. */
export type DescriptorSetSource = string | Uint8Array;

/** The health proto as reflection names it, and where grpc-health-check ships it (for `buf build`). */
export const HEALTH_PROTO = { name: "grpc/health/v1/health.proto", path: healthProtoPath } as const;

async function readSource(source: DescriptorSetSource): Promise<Uint8Array> {
  if (typeof source === "string") return new Uint8Array(await readFile(source));
  return source;
}

/** What a reflection answer is built from: every file, and which file declares each symbol. */
export interface DescriptorIndex {
  /** Encoded FileDescriptorProto by file name. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** File name by fully qualified symbol (message, enum, enum value, field, service, method, extension). */
  readonly symbols: ReadonlyMap<string, string>;
  /** Extended message → field number → file declaring the extension. */
  readonly extensions: ReadonlyMap<string, ReadonlyMap<number, string>>;
  /** Fully qualified names of every service in the set. */
  readonly services: readonly string[];
  /** The requested file first, then every file it imports, transitively (each once). */
  withDependencies(file: string): Uint8Array[];
}

/** Indexes already built, by descriptor set (a process serves the same set on every port). */
const indexes = new WeakMap<Uint8Array, DescriptorIndex>();

/** Indexes a FileDescriptorSet for reflection (once per `bytes` object); every import must itself be in the set. */
export function indexDescriptorSet(bytes: Uint8Array): DescriptorIndex {
  let index = indexes.get(bytes);
  if (index === undefined) indexes.set(bytes, (index = buildIndex(bytes)));
  return index;
}

function buildIndex(bytes: Uint8Array): DescriptorIndex {
  const set = fromBinary(FileDescriptorSetSchema, bytes);
  const files = new Map<string, Uint8Array>();
  const protos = new Map<string, FileDescriptorProto>();
  const symbols = new Map<string, string>();
  const extensions = new Map<string, Map<number, string>>();
  const services: string[] = [];
  for (const file of set.file) {
    if (files.has(file.name)) continue;
    files.set(file.name, toBinary(FileDescriptorProtoSchema, file));
    protos.set(file.name, file);
    const prefix = file.package ? `${file.package}.` : "";
    const add = (name: string) => symbols.set(name, file.name);
    const addExtensions = (list: FileDescriptorProto["extension"], scope: string) => {
      for (const ext of list) {
        add(scope + ext.name);
        const extendee = ext.extendee.replace(/^\./, "");
        if (!extensions.has(extendee)) extensions.set(extendee, new Map());
        extensions.get(extendee)!.set(ext.number, file.name);
      }
    };
    const addEnum = (e: FileDescriptorProto["enumType"][number], scope: string) => {
      add(scope + e.name);
      // Enum values are scoped like their enum's siblings (protobuf's C++ scoping rule).
      for (const v of e.value) add(scope + v.name);
    };
    const addMessage = (m: DescriptorProto, scope: string) => {
      const name = scope + m.name;
      add(name);
      for (const f of m.field) add(`${name}.${f.name}`);
      for (const o of m.oneofDecl) add(`${name}.${o.name}`);
      for (const nested of m.nestedType) addMessage(nested, `${name}.`);
      for (const e of m.enumType) addEnum(e, `${name}.`);
      addExtensions(m.extension, `${name}.`);
    };
    for (const m of file.messageType) addMessage(m, prefix);
    for (const e of file.enumType) addEnum(e, prefix);
    addExtensions(file.extension, prefix);
    for (const s of file.service) {
      add(prefix + s.name);
      services.push(prefix + s.name);
      for (const m of s.method) add(`${prefix}${s.name}.${m.name}`);
    }
  }
  for (const [name, file] of protos) {
    for (const dep of file.dependency) {
      if (!files.has(dep)) throw new Error(`descriptor set is incomplete: ${name} imports ${dep}, which it does not contain`);
    }
  }
  return {
    files,
    symbols,
    extensions,
    services,
    withDependencies(name) {
      const order: string[] = [];
      const visit = (n: string) => {
        if (order.includes(n)) return;
        order.push(n);
        for (const dep of protos.get(n)?.dependency ?? []) visit(dep);
      };
      visit(name);
      return order.map((n) => files.get(n)!);
    },
  };
}

// Reflection request/response as proto-loader decodes them (keepCase, oneofs).
interface ReflectionRequest {
  host?: string;
  message_request?: "file_by_filename" | "file_containing_symbol" | "file_containing_extension" | "all_extension_numbers_of_type" | "list_services";
  file_by_filename?: string;
  file_containing_symbol?: string;
  file_containing_extension?: { containing_type?: string; extension_number?: number };
  all_extension_numbers_of_type?: string;
  list_services?: string;
}

class NotFound extends Error {}

/** One answer to one reflection request (the same for v1 and v1alpha, whose messages are identical). */
export function answerReflection(index: DescriptorIndex, listed: readonly string[], request: ReflectionRequest): Record<string, unknown> {
  const base = { valid_host: request.host ?? "", original_request: request };
  const files = (names: string) => ({ file_descriptor_response: { file_descriptor_proto: index.withDependencies(names).map((b) => Buffer.from(b)) } });
  try {
    switch (request.message_request) {
      case "list_services":
        return { ...base, list_services_response: { service: listed.map((name) => ({ name })) } };
      case "file_by_filename": {
        const name = request.file_by_filename ?? "";
        if (!index.files.has(name)) throw new NotFound(`file not found: ${name}`);
        return { ...base, ...files(name) };
      }
      case "file_containing_symbol": {
        const symbol = (request.file_containing_symbol ?? "").replace(/^\./, "");
        const file = index.symbols.get(symbol);
        if (file === undefined) throw new NotFound(`symbol not found: ${symbol}`);
        return { ...base, ...files(file) };
      }
      case "file_containing_extension": {
        const type = (request.file_containing_extension?.containing_type ?? "").replace(/^\./, "");
        const number = request.file_containing_extension?.extension_number ?? 0;
        const file = index.extensions.get(type)?.get(number);
        if (file === undefined) throw new NotFound(`extension ${number} of ${type} not found`);
        return { ...base, ...files(file) };
      }
      case "all_extension_numbers_of_type": {
        const type = (request.all_extension_numbers_of_type ?? "").replace(/^\./, "");
        if (!index.symbols.has(type)) throw new NotFound(`type not found: ${type}`);
        return { ...base, all_extension_numbers_response: { base_type_name: type, extension_number: [...(index.extensions.get(type)?.keys() ?? [])] } };
      }
      default:
        return { ...base, error_response: { error_code: status.UNIMPLEMENTED, error_message: `unsupported reflection request: ${String(request.message_request)}` } };
    }
  } catch (e) {
    if (e instanceof NotFound) return { ...base, error_response: { error_code: status.NOT_FOUND, error_message: e.message } };
    throw e;
  }
}

let reflectionDefinitions: ReturnType<typeof loadReflectionServices> | undefined;

/** The reflection service definitions (v1, v1alpha), loaded once per process. */
function reflectionServices() {
  reflectionDefinitions ??= loadReflectionServices();
  return reflectionDefinitions;
}

/** The reflection service definitions (v1, v1alpha) from @grpc/reflection's own .proto files. */
function loadReflectionServices() {
  const require = createRequire(import.meta.url);
  const root = join(dirname(require.resolve("@grpc/reflection/package.json")), "build/proto");
  const load = (version: "v1" | "v1alpha") => {
    const pkg = loadPackageDefinition(loadSync(`grpc/reflection/${version}/reflection.proto`, { keepCase: true, oneofs: true, longs: Number, includeDirs: [resolve(root)] }));
    const ns = pkg.grpc as unknown as { reflection: Record<string, { ServerReflection: { service: Parameters<Server["addService"]>[0] } }> };
    return ns.reflection[version]!.ServerReflection.service;
  };
  return [load("v1"), load("v1alpha")];
}

/** Service names declared by sets already scanned (`servicesOfDescriptorSet`), by set. */
const serviceNames = new WeakMap<Uint8Array, readonly string[]>();

/**
 * The fully qualified services a FileDescriptorSet declares, read straight off the wire (file →
 * package and each service's name; everything else skipped): what a server checks at start,
 * without decoding every descriptor as `indexDescriptorSet` does (~40-100 ms on Cairn's set).
 */
export function servicesOfDescriptorSet(bytes: Uint8Array): readonly string[] {
  let names = serviceNames.get(bytes);
  if (names !== undefined) return names;
  const utf8 = new TextDecoder();
  const found: string[] = [];
  for (const file of lengthDelimited(bytes, 0, bytes.length, 1)) {
    let pkg = "";
    const services: string[] = [];
    for (const field of lengthDelimited(bytes, file.start, file.end)) {
      if (field.number === 2) pkg = utf8.decode(bytes.subarray(field.start, field.end));
      if (field.number === 6) for (const name of lengthDelimited(bytes, field.start, field.end, 1)) services.push(utf8.decode(bytes.subarray(name.start, name.end)));
    }
    for (const s of services) found.push(pkg ? `${pkg}.${s}` : s);
  }
  names = [...new Set(found)];
  serviceNames.set(bytes, names);
  return names;
}

/** The length-delimited fields of the message in `bytes[start, end)` (only field `only` when given); others skipped. */
function* lengthDelimited(bytes: Uint8Array, start: number, end: number, only?: number): Generator<{ number: number; start: number; end: number }> {
  let at = start;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= end) throw new Error("descriptor set: truncated varint");
      const b = bytes[at++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
  };
  while (at < end) {
    const key = varint();
    const number = Math.floor(key / 8);
    switch (key & 7) {
      case 0:
        varint();
        break;
      case 1:
        at += 8;
        break;
      case 2: {
        const length = varint();
        if (at + length > end) throw new Error("descriptor set: truncated field");
        if (only === undefined || number === only) yield { number, start: at, end: at + length };
        at += length;
        break;
      }
      case 5:
        at += 4;
        break;
      default:
        throw new Error(`descriptor set: unexpected wire type ${key & 7}`);
    }
  }
}

/**
 * Adds reflection v1 and v1alpha to `server`, listing `services` (fully qualified) and describing
 * every file of `source`. Every listed service must be declared in the set (health included):
 * checked now, from the set's service names alone. The index the answers come from is built at
 * the first reflection request (once per set in a process), not on the way to listening; a set
 * it cannot index (an import it lacks) is answered with an INTERNAL error naming the problem.
 */
export async function addReflection(server: Server, source: DescriptorSetSource, services: readonly string[]): Promise<void> {
  const bytes = await readSource(source);
  const declared = servicesOfDescriptorSet(bytes);
  const missing = services.filter((s) => !declared.includes(s));
  if (missing.length > 0) throw new Error(`descriptor set does not declare ${missing.join(", ")} (build it with \`bun run generate\`; health comes from ${HEALTH_PROTO.name})`);
  const listed = [...services];
  const answer = (request: ReflectionRequest): Record<string, unknown> => {
    let index: DescriptorIndex;
    try {
      index = indexDescriptorSet(bytes);
    } catch (e) {
      return { valid_host: request.host ?? "", original_request: request, error_response: { error_code: status.INTERNAL, error_message: (e as Error).message } };
    }
    return answerReflection(index, listed, request);
  };
  for (const definition of reflectionServices()) {
    server.addService(definition, {
      ServerReflectionInfo(call: ServerDuplexStream<ReflectionRequest, Record<string, unknown>>) {
        call.on("data", (request: ReflectionRequest) => call.write(answer(request)));
        call.on("end", () => call.end());
        call.on("error", () => call.end());
      },
    });
  }
}
