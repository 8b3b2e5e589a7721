/**
 * JSON Schema (2020-12 / OpenAPI 3.1) of a message's Koinos JSON form, for the gateway's OpenAPI
 * document: 64-bit integers are decimal strings, bytes are strings whose `format` and
 * `description` name the encoding (base64url, base58, 0x-hex), enums are value names. Nested
 * messages are `$ref`s into `$defs`, keyed by fully qualified type name.
 */
import { options } from "@cairn/proto";
import { BytesForm } from "./bytes-codec.ts";
import type { Descriptors } from "./descriptors.ts";
import { type FieldPlan, Kind, type MessagePlan, type Planner } from "./plan.ts";
import type { JsonSchema } from "./types.ts";

/** Options of `toJsonSchema`. */
export interface JsonSchemaOptions {
  /**
   * Prefix of `$ref`s to nested messages. Default `"#/$defs/"` (self-contained document); use
   * `"#/components/schemas/"` and move the returned `$defs` into `components.schemas` for OpenAPI.
   */
  readonly refPrefix?: string;
}

/** The schema of `typeName`, with every message it references under `$defs`. */
export function messageJsonSchema(planner: Planner, descriptors: Descriptors, typeName: string, opts: JsonSchemaOptions = {}): JsonSchema {
  const refPrefix = opts.refPrefix ?? "#/$defs/";
  const root = planner.plan(typeName);
  const defs: Record<string, JsonSchema> = {};
  const pending: MessagePlan[] = [];
  const ref = (p: MessagePlan): JsonSchema => {
    if (!(p.typeName in defs)) {
      defs[p.typeName] = {}; // placeholder: marks it as queued
      pending.push(p);
    }
    return { $ref: refPrefix + p.typeName };
  };
  const schema = objectSchema(root, descriptors, ref);
  for (let p = pending.pop(); p !== undefined; p = pending.pop()) defs[p.typeName] = objectSchema(p, descriptors, ref);
  return Object.keys(defs).length === 0 ? schema : { ...schema, $defs: defs };
}

type RefFn = (p: MessagePlan) => JsonSchema;

function objectSchema(p: MessagePlan, descriptors: Descriptors, ref: RefFn): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const f of p.fields) properties[f.name] = fieldSchema(f, descriptors, ref);
  const notes = p.oneofs.map((name, i) => {
    const members = p.fields.filter((f) => f.oneof === i).map((f) => f.name);
    return `At most one of ${members.join(", ")} (oneof ${name}).`;
  });
  const description = [descriptors.comment(p.desc), ...notes].filter((s) => s !== "").join("\n\n");
  return { type: "object", title: p.typeName, ...(description === "" ? {} : { description }), properties };
}

function fieldSchema(f: FieldPlan, descriptors: Descriptors, ref: RefFn): JsonSchema {
  const { schema, note } = elementSchema(f, ref);
  const presence = f.explicit && f.kind !== Kind.Message ? "Written whenever set, even when zero or empty." : "";
  const description = [descriptors.comment(f.desc), note, presence].filter((s) => s !== "").join("\n\n");
  const base = f.repeated ? { type: "array", items: schema } : schema;
  return description === "" ? base : { ...base, description };
}

function elementSchema(f: FieldPlan, ref: RefFn): { schema: JsonSchema; note: string } {
  switch (f.kind) {
    case Kind.Int64:
      return { schema: { type: "string", format: "int64", pattern: "^-?[0-9]+$" }, note: `${f.label} as a decimal string (a JSON number is accepted on input while exact).` };
    case Kind.Uint64:
      return { schema: { type: "string", format: "uint64", pattern: "^[0-9]+$" }, note: `${f.label} as a decimal string (a JSON number is accepted on input while exact).` };
    case Kind.Int32:
      return { schema: { type: "integer", format: "int32", minimum: -0x80000000, maximum: 0x7fffffff }, note: "" };
    case Kind.Uint32:
      return { schema: { type: "integer", format: "uint32", minimum: 0, maximum: 0xffffffff }, note: "" };
    case Kind.Float:
    case Kind.Double:
      return { schema: { type: "number", format: f.kind === Kind.Float ? "float" : "double" }, note: "" };
    case Kind.Bool:
      return { schema: { type: "boolean" }, note: "" };
    case Kind.String:
      return { schema: { type: "string" }, note: "" };
    case Kind.Bytes:
      return bytesSchema(f);
    case Kind.Enum:
      return { schema: { type: "string", enum: [...f.enumPlan!.numberOf.keys()] }, note: `${f.label} value name (the number is accepted on input).` };
    case Kind.Message:
      return { schema: ref(f.message!), note: "" };
  }
}

function bytesSchema(f: FieldPlan): { schema: JsonSchema; note: string } {
  const option = f.bytesEncoding === 0 ? "" : ` (${(options.BytesEncoding[f.bytesEncoding] ?? "").replace("BYTES_ENCODING_", "")})`;
  switch (f.bytesForm) {
    case BytesForm.Base58:
      return { schema: { type: "string", format: "base58", pattern: "^[1-9A-HJ-NP-Za-km-z]*$" }, note: `Bytes${option} as Bitcoin-alphabet base58.` };
    case BytesForm.Hex:
      return { schema: { type: "string", format: "hex", pattern: "^0x([0-9a-fA-F]{2})*$" }, note: `Bytes${option} as "0x" + lowercase hex.` };
    default:
      return {
        schema: { type: "string", format: "base64url", contentEncoding: "base64url", pattern: "^[A-Za-z0-9_-]*={0,2}$" },
        note: `Bytes${option} as URL-safe base64 with "=" padding (unpadded accepted on input).`,
      };
  }
}
