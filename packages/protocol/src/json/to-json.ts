/**
 * ts-proto message → Koinos JSON, walking a message plan. Keys are proto (snake_case) names.
 * Implicit-presence fields at their default (0, 0n, "", false, empty bytes, enum 0) and empty
 * lists are omitted, as are unset (undefined) message, oneof and `optional` fields; fields that
 * track presence are written whenever set, even when zero or empty. Never writes `null`.
 */
import { encodeBytes } from "./bytes-codec.ts";
import { type FieldPlan, Kind, type MessagePlan } from "./plan.ts";
import { writeFloat } from "./scalars.ts";
import type { JsonObject, JsonValue } from "./types.ts";

/** Koinos JSON of one message. */
export function messageToJson(plan: MessagePlan, message: object): JsonObject {
  const msg = message as Record<string, unknown>;
  const out: JsonObject = {};
  const fields = plan.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const v = msg[f.name];
    if (v === undefined || v === null) continue;
    if (f.repeated) {
      const list = v as unknown[];
      const n = list.length;
      if (n === 0) continue;
      const arr = new Array<JsonValue>(n);
      for (let j = 0; j < n; j++) arr[j] = valueToJson(f, list[j]);
      out[f.name] = arr;
    } else if (f.explicit || !isDefault(f.kind, v)) {
      out[f.name] = valueToJson(f, v);
    }
  }
  return out;
}

/** True when an implicit-presence value equals its proto3 default. */
function isDefault(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case Kind.Int64:
    case Kind.Uint64:
      return v === 0n || v === 0 || v === "0";
    case Kind.Bool:
      return v === false;
    case Kind.String:
      return v === "";
    case Kind.Bytes:
      return (v as Uint8Array).length === 0;
    case Kind.Message:
      return false;
    default:
      return v === 0;
  }
}

/** One (element) value. 64-bit integers become decimal strings; enums their value name. */
function valueToJson(f: FieldPlan, v: unknown): JsonValue {
  switch (f.kind) {
    case Kind.Int64:
    case Kind.Uint64:
      return typeof v === "bigint" ? v.toString() : String(v);
    case Kind.Bytes:
      return encodeBytes(f.bytesForm, v as Uint8Array);
    case Kind.Message:
      return messageToJson(f.message!, v as object);
    case Kind.Enum:
      return f.enumPlan!.nameOf.get(v as number) ?? (v as number);
    case Kind.Float:
    case Kind.Double:
      return writeFloat(v as number);
    default:
      return v as JsonValue;
  }
}
