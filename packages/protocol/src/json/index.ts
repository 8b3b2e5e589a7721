/**
 * Koinos JSON ("protojson + btype", koinos-protocol.md §1.4) for every Cairn proto message:
 * ts-proto objects ⇄ the JSON koilib sends and expects, driven by the descriptors and the
 * `(cairn.options.v1.bytes_encoding)` field option; plus the RPC catalog the gateway builds its
 * JSON-RPC method table from, and JSON Schemas for its OpenAPI document.
 *
 * Writing: proto (snake_case) names; implicit-presence fields at their default and unset
 * messages omitted (never `null`); oneof members and `optional` fields written whenever set;
 * 64-bit integers as decimal strings; enums by value name; bytes as padded base64url, base58 or
 * `0x` hex per the option. `google.protobuf.Any` (ValueType.message_value) is written as an
 * ordinary message, `{"type_url": "...", "value": "<base64url>"}` (no `@type` expansion).
 *
 * Reading: snake_case or lowerCamelCase keys, unknown keys ignored, `null` = absent, 64-bit
 * integers from strings or exact numbers, enums by name or number, bytes per the option (base64url
 * padded or not, never `+`/`/`; hex must start with `0x`). Errors are `JsonCodecError`s naming
 * the field path. Map fields are not supported (none exist; a plan for one throws Unimplemented).
 *
 * The functions below use one lazily built codec; `createJsonCodec()` builds another.
 */
import { type JsonCodec, createJsonCodec } from "./codec.ts";
import type { JsonSchemaOptions } from "./json-schema.ts";
import type { MethodInfo, ServiceInfo } from "./services.ts";
import type { JsonObject, JsonSchema, ProtoMessageFns } from "./types.ts";

export { createJsonCodec } from "./codec.ts";
export type { JsonCodec, JsonCodecOptions, MessageJsonCodec } from "./codec.ts";
export { JsonCodecError, JsonCodecErrorCode } from "./errors.ts";
export type { JsonSchemaOptions } from "./json-schema.ts";
export { jsonRpcServiceName, snakeCase } from "./services.ts";
export type { MethodInfo, ServiceInfo } from "./services.ts";
export type { JsonObject, JsonSchema, JsonValue, ProtoMessageFns } from "./types.ts";

let shared: JsonCodec | undefined;

/** The process-wide codec over every proto in @cairn/proto (built on first call). */
export function defaultJsonCodec(): JsonCodec {
  shared ??= createJsonCodec();
  return shared;
}

/** Koinos JSON of a ts-proto message of `typeName` (e.g. "cairn.chain.v1.GetHeadInfoResponse"). */
export function toKoinosJson(typeName: string, message: object): JsonObject {
  return defaultJsonCodec().toJson(typeName, message);
}

/** Parses Koinos JSON into a full ts-proto message of `typeName`; throws `JsonCodecError`. */
export function fromKoinosJson<T extends object = Record<string, unknown>>(typeName: string, json: unknown): T {
  return defaultJsonCodec().fromJson<T>(typeName, json);
}

/** The ts-proto message const (`encode`/`decode`/`create`/`fromPartial`) of a type. */
export function messageFns<T extends object = Record<string, unknown>>(typeName: string): ProtoMessageFns<T> {
  return defaultJsonCodec().messageFns<T>(typeName);
}

/** Every service in the descriptors with its methods (JSON-RPC names, types, definition keys). */
export function listServices(): readonly ServiceInfo[] {
  return defaultJsonCodec().listServices();
}

/** The methods of one service, by full name (e.g. "cairn.chain.v1.ChainService"). */
export function serviceMethods(serviceTypeName: string): readonly MethodInfo[] {
  return defaultJsonCodec().serviceMethods(serviceTypeName);
}

/** JSON Schema of a type's Koinos JSON form (nested messages under `$defs`). */
export function toJsonSchema(typeName: string, options?: JsonSchemaOptions): JsonSchema {
  return defaultJsonCodec().toJsonSchema(typeName, options);
}
