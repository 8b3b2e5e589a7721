/**
 * Koinos JSON → ts-proto message, walking a message plan. Keys may be proto (snake_case) or
 * lowerCamelCase JSON names; unknown keys are ignored; `null` means absent. Each message starts
 * as its ts-proto `fromPartial({})` (every default filled in, so the result encodes) and gets the
 * parsed fields assigned. Errors are `FieldError`s whose path is built while unwinding.
 */
import { decodeBytes } from "./bytes-codec.ts";
import { FieldError, describeValue, preview } from "./errors.ts";
import { type FieldPlan, Kind, type MessagePlan } from "./plan.ts";
import { readBool, readFloat, readInt32, readInt64, readString } from "./scalars.ts";

const EMPTY = Object.freeze({});

/** Parses one message object. */
export function messageFromJson(plan: MessagePlan, json: unknown): Record<string, unknown> {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new FieldError(`expected ${plan.typeName} object, got ${describeValue(json)}`);
  }
  const src = json as Record<string, unknown>;
  const out = plan.fns.fromPartial(EMPTY);
  const fields = plan.fields;
  let oneofSet: (string | undefined)[] | undefined;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    let v = f.guarded ? ownValue(src, f.name) : src[f.name];
    if (f.jsonName !== f.name) {
      const alias = f.guarded ? ownValue(src, f.jsonName) : src[f.jsonName];
      if (alias !== undefined && alias !== null) {
        if (v !== undefined && v !== null) throw new FieldError(`given twice (as "${f.name}" and "${f.jsonName}")`).inField(f.name);
        v = alias;
      }
    }
    if (v === undefined || v === null) continue;
    if (f.oneof >= 0) {
      oneofSet ??= new Array<string | undefined>(plan.oneofs.length);
      const other = oneofSet[f.oneof];
      if (other !== undefined) throw new FieldError(`oneof "${plan.oneofs[f.oneof]}" already set by "${other}"`).inField(f.name);
      oneofSet[f.oneof] = f.name;
    }
    try {
      out[f.name] = f.repeated ? listFromJson(f, v) : valueFromJson(f, v);
    } catch (e) {
      throw e instanceof FieldError ? e.inField(f.name) : e;
    }
  }
  return out;
}

function listFromJson(f: FieldPlan, v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new FieldError(`expected array, got ${describeValue(v)}`);
  const n = v.length;
  const out = new Array<unknown>(n);
  for (let j = 0; j < n; j++) {
    const e: unknown = v[j];
    try {
      if (e === null || e === undefined) throw new FieldError("list element is null");
      out[j] = valueFromJson(f, e);
    } catch (err) {
      throw err instanceof FieldError ? err.atIndex(j) : err;
    }
  }
  return out;
}

function valueFromJson(f: FieldPlan, v: unknown): unknown {
  switch (f.kind) {
    case Kind.Int64:
      return readInt64(v, false, f.label);
    case Kind.Uint64:
      return readInt64(v, true, f.label);
    case Kind.Int32:
      return readInt32(v, false, f.label);
    case Kind.Uint32:
      return readInt32(v, true, f.label);
    case Kind.Float:
      return readFloat(v, true, f.label);
    case Kind.Double:
      return readFloat(v, false, f.label);
    case Kind.Bool:
      return readBool(v);
    case Kind.String:
      return readString(v);
    case Kind.Bytes:
      return decodeBytes(f.bytesForm, v);
    case Kind.Enum:
      return enumFromJson(f, v);
    case Kind.Message:
      return messageFromJson(f.message!, v);
  }
}

/** An enum value by name, or by (int32) number. */
function enumFromJson(f: FieldPlan, v: unknown): number {
  const e = f.enumPlan!;
  if (typeof v === "string") {
    const n = e.numberOf.get(v);
    if (n === undefined) throw new FieldError(`unknown ${e.typeName} value ${preview(v)}`);
    return n;
  }
  if (typeof v === "number" && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) return v;
  throw new FieldError(`expected ${e.typeName} name or number, got ${describeValue(v)}`);
}

function ownValue(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}
