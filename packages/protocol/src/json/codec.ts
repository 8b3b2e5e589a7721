/**
 * The Koinos JSON codec: descriptors + ts-proto message consts → per-type plans → `toJson` /
 * `fromJson`, plus the RPC catalog and JSON Schemas. Build one per process (construction reads
 * the descriptor set once; plans are made on first use of a type and cached) and, on hot paths,
 * keep the `forType` handle of each type instead of looking the type up per call.
 */
import { descriptorSetBytes } from "@cairn/proto";
import { type Descriptors, loadDescriptors } from "./descriptors.ts";
import { FieldError, JsonCodecError, unknownTypeError } from "./errors.ts";
import { messageFromJson } from "./from-json.ts";
import { type JsonSchemaOptions, messageJsonSchema } from "./json-schema.ts";
import { collectMessageFns, normalizeTypeName } from "./message-fns.ts";
import { type MessagePlan, createPlanner } from "./plan.ts";
import { type MethodInfo, type ServiceInfo, readServices } from "./services.ts";
import { messageToJson } from "./to-json.ts";
import type { JsonObject, JsonSchema, ProtoMessageFns } from "./types.ts";

/** Where the codec takes its schema from (defaults: everything generated in @cairn/proto). */
export interface JsonCodecOptions {
  /** Binary FileDescriptorSet; default `descriptorSetBytes()` of @cairn/proto. */
  readonly descriptorSet?: Uint8Array;
  /** ts-proto message consts by type name; default: every `allProtoMetadata` reference. */
  readonly messageFns?: ReadonlyMap<string, ProtoMessageFns>;
}

/** The codec bound to one message type (no lookups per call). */
export interface MessageJsonCodec<T extends object = Record<string, unknown>> {
  /** Fully qualified type name, e.g. "cairn.chain.v1.ReadContractRequest". */
  readonly typeName: string;
  /** The ts-proto message const. */
  readonly fns: ProtoMessageFns<T>;
  /** Koinos JSON of a message of this type. */
  toJson(message: T): JsonObject;
  /** Parses Koinos JSON into a full message; throws `JsonCodecError`. */
  fromJson(json: unknown): T;
}

/** Koinos JSON codec over a set of proto descriptors. */
export interface JsonCodec {
  /** Koinos JSON of `message` (a ts-proto object of `typeName`). */
  toJson(typeName: string, message: object): JsonObject;
  /** Parses Koinos JSON into a full ts-proto message of `typeName`; throws `JsonCodecError`. */
  fromJson<T extends object = Record<string, unknown>>(typeName: string, json: unknown): T;
  /** The codec of one type, for hot paths. Throws NotFound for an unknown type. */
  forType<T extends object = Record<string, unknown>>(typeName: string): MessageJsonCodec<T>;
  /** The ts-proto message const of a type. Throws NotFound for an unknown type. */
  messageFns<T extends object = Record<string, unknown>>(typeName: string): ProtoMessageFns<T>;
  /** True when the type is a message with a ts-proto implementation. */
  hasMessage(typeName: string): boolean;
  /** Every service with its methods. */
  listServices(): readonly ServiceInfo[];
  /** Methods of one service by full name ("cairn.chain.v1.ChainService"). Throws NotFound. */
  serviceMethods(serviceTypeName: string): readonly MethodInfo[];
  /** JSON Schema of a type's Koinos JSON form. */
  toJsonSchema(typeName: string, options?: JsonSchemaOptions): JsonSchema;
  /** The underlying reflection (registry and option reader). */
  readonly descriptors: Descriptors;
}

/** Builds a codec (reads the descriptor set; no other side effects). */
export function createJsonCodec(options: JsonCodecOptions = {}): JsonCodec {
  const descriptors = loadDescriptors(options.descriptorSet ?? descriptorSetBytes());
  const fnsByType = options.messageFns ?? collectMessageFns();
  const planner = createPlanner(descriptors, fnsByType);
  const handles = new Map<string, MessageJsonCodec>();
  let services: ServiceInfo[] | undefined;

  const forType = <T extends object>(typeName: string): MessageJsonCodec<T> => {
    let h = handles.get(typeName);
    if (h === undefined) {
      h = handleOf(planner.plan(typeName));
      handles.set(typeName, h);
    }
    return h as unknown as MessageJsonCodec<T>;
  };

  const allServices = (): ServiceInfo[] => (services ??= readServices(descriptors));

  return {
    descriptors,
    toJson: (typeName, message) => forType(typeName).toJson(message as Record<string, unknown>),
    fromJson: <T extends object>(typeName: string, json: unknown) => forType<T>(typeName).fromJson(json),
    forType,
    messageFns: <T extends object>(typeName: string) => {
      const fns = fnsByType.get(normalizeTypeName(typeName));
      if (fns === undefined) throw unknownTypeError("message type", typeName);
      return fns as ProtoMessageFns<T>;
    },
    hasMessage: (typeName) => {
      const name = normalizeTypeName(typeName);
      return fnsByType.has(name) && descriptors.registry.getMessage(name) !== undefined;
    },
    listServices: allServices,
    serviceMethods: (serviceTypeName) => {
      const name = normalizeTypeName(serviceTypeName);
      const s = allServices().find((x) => x.typeName === name);
      if (s === undefined) throw unknownTypeError("service", serviceTypeName);
      return s.methods;
    },
    toJsonSchema: (typeName, opts) => messageJsonSchema(planner, descriptors, typeName, opts),
  };
}

function handleOf(plan: MessagePlan): MessageJsonCodec {
  return {
    typeName: plan.typeName,
    fns: plan.fns,
    toJson: (message) => messageToJson(plan, message),
    fromJson: (json) => {
      try {
        return messageFromJson(plan, json);
      } catch (e) {
        if (e instanceof FieldError) throw new JsonCodecError(plan.typeName, e.path, e.reason);
        throw e;
      }
    },
  };
}
