/**
 * Field plans: per message type, the flat list of what the JSON walkers need to know about each
 * field (name, JSON alias, value kind, repeated, presence, oneof, bytes form, enum names, nested
 * plan), read once from the descriptors so that encoding and decoding do no descriptor lookups.
 * Plans are built on first use of a type and cached; recursive types link to the same plan.
 */
import { CairnError, ErrorStatus } from "@cairn/core";
import { ScalarType } from "@bufbuild/protobuf";
import type { DescEnum, DescField, DescMessage } from "@bufbuild/protobuf";
import { FeatureSet_FieldPresence } from "@bufbuild/protobuf/wkt";
import type { options } from "@cairn/proto";
import { type BytesForm, bytesFormOf } from "./bytes-codec.ts";
import type { Descriptors } from "./descriptors.ts";
import { JsonCodecErrorCode, unknownTypeError } from "./errors.ts";
import { normalizeTypeName } from "./message-fns.ts";
import type { ProtoMessageFns } from "./types.ts";

/** What a field's (element) value is, as far as JSON is concerned. */
export const Kind = { Int64: 0, Uint64: 1, Int32: 2, Uint32: 3, Float: 4, Double: 5, Bool: 6, String: 7, Bytes: 8, Enum: 9, Message: 10 } as const;
/** One of `Kind`. */
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Names and numbers of an enum's values. */
export interface EnumPlan {
  readonly typeName: string;
  /** Value name by number (first declared name for aliases). */
  readonly nameOf: ReadonlyMap<number, string>;
  /** Value number by name. */
  readonly numberOf: ReadonlyMap<string, number>;
}

/** One field of a message plan. */
export interface FieldPlan {
  /** Proto field name: the ts-proto property and the JSON output key. */
  readonly name: string;
  /** lowerCamelCase JSON name, accepted as an input alias. */
  readonly jsonName: string;
  readonly number: number;
  readonly kind: Kind;
  /** Proto scalar type name for messages ("uint64", "bytes", ...), or the enum / message type name. */
  readonly label: string;
  readonly repeated: boolean;
  /** Tracks presence (oneof member, proto3 `optional`, message): written whenever set. */
  readonly explicit: boolean;
  /** Index into `MessagePlan.oneofs`, or -1. */
  readonly oneof: number;
  readonly bytesForm: BytesForm;
  /** The raw `bytes_encoding` option (0 when absent). */
  readonly bytesEncoding: options.BytesEncoding;
  readonly enumPlan: EnumPlan | undefined;
  /** Plan of the nested message type (Kind.Message only). */
  readonly message: MessagePlan | undefined;
  /** The name collides with an Object.prototype member: read input with `Object.hasOwn`. */
  readonly guarded: boolean;
  readonly desc: DescField;
}

/** How to walk one message type. */
export interface MessagePlan {
  readonly typeName: string;
  readonly desc: DescMessage;
  readonly fns: ProtoMessageFns<Record<string, unknown>>;
  readonly fields: readonly FieldPlan[];
  /** Names of the real (non-synthetic) oneofs. */
  readonly oneofs: readonly string[];
}

/** Builds and caches plans. */
export interface Planner {
  /** The plan of a message type (name with or without a leading dot). */
  plan(typeName: string): MessagePlan;
}

/** A planner over the given descriptors and ts-proto message consts. */
export function createPlanner(descriptors: Descriptors, fns: ReadonlyMap<string, ProtoMessageFns>): Planner {
  const plans = new Map<string, MessagePlan>();
  const enums = new Map<string, EnumPlan>();

  const enumPlan = (e: DescEnum): EnumPlan => {
    let p = enums.get(e.typeName);
    if (p === undefined) {
      const nameOf = new Map<number, string>();
      const numberOf = new Map<string, number>();
      for (const v of e.values) {
        if (!nameOf.has(v.number)) nameOf.set(v.number, v.name);
        numberOf.set(v.name, v.number);
      }
      p = { typeName: e.typeName, nameOf, numberOf };
      enums.set(e.typeName, p);
    }
    return p;
  };

  const plan = (rawName: string): MessagePlan => {
    const typeName = normalizeTypeName(rawName);
    const cached = plans.get(typeName);
    if (cached !== undefined) return cached;
    const desc = descriptors.registry.getMessage(typeName);
    const messageFns = fns.get(typeName);
    if (desc === undefined || messageFns === undefined) throw unknownTypeError("message type", typeName);
    const fields: FieldPlan[] = [];
    const p: MessagePlan = {
      typeName,
      desc,
      fns: messageFns as ProtoMessageFns<Record<string, unknown>>,
      fields,
      oneofs: desc.oneofs.map((o) => o.name),
    };
    plans.set(typeName, p); // before the fields, so recursive types find it
    try {
      for (const f of desc.fields) fields.push(fieldPlan(f, p));
    } catch (e) {
      plans.delete(typeName);
      throw e;
    }
    return p;
  };

  const fieldPlan = (f: DescField, parent: MessagePlan): FieldPlan => {
    if (f.fieldKind === "map") {
      throw new CairnError(JsonCodecErrorCode.Unsupported, `map field ${parent.typeName}.${f.name} is not supported by the Koinos JSON codec`, {
        status: ErrorStatus.Unimplemented,
      });
    }
    const elem = f.fieldKind === "list" ? f.listKind : f.fieldKind;
    const kind = elem === "message" ? Kind.Message : elem === "enum" ? Kind.Enum : scalarKind(f.scalar!);
    const bytesEncoding = kind === Kind.Bytes ? descriptors.bytesEncoding(f) : 0;
    const label = f.message?.typeName ?? f.enum?.typeName ?? ScalarType[f.scalar!]!.toLowerCase();
    return {
      name: f.name,
      jsonName: f.jsonName,
      number: f.number,
      kind,
      label,
      repeated: f.fieldKind === "list",
      explicit: f.fieldKind === "message" || (f.fieldKind !== "list" && f.presence !== FeatureSet_FieldPresence.IMPLICIT),
      oneof: f.oneof === undefined ? -1 : parent.desc.oneofs.indexOf(f.oneof),
      bytesForm: bytesFormOf(bytesEncoding),
      bytesEncoding,
      enumPlan: f.enum === undefined ? undefined : enumPlan(f.enum),
      message: f.message === undefined ? undefined : plan(f.message.typeName),
      guarded: f.name in Object.prototype || f.jsonName in Object.prototype,
      desc: f,
    };
  };

  return { plan };
}

function scalarKind(t: ScalarType): Kind {
  switch (t) {
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return Kind.Int64;
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return Kind.Uint64;
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return Kind.Int32;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return Kind.Uint32;
    case ScalarType.FLOAT:
      return Kind.Float;
    case ScalarType.DOUBLE:
      return Kind.Double;
    case ScalarType.BOOL:
      return Kind.Bool;
    case ScalarType.STRING:
      return Kind.String;
    case ScalarType.BYTES:
      return Kind.Bytes;
  }
}
