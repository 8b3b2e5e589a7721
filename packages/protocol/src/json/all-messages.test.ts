/**
 * Every Cairn message type: a sample Koinos JSON document with every field set (generated from
 * the descriptors, independently of the codec's plans) survives JSON → message → JSON exactly and
 * message → bytes → message; and ts-proto's property names are the proto field names.
 */
import { describe, expect, test } from "bun:test";
import { toBase58 } from "@cairn/core";
import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { BytesForm, bytesFormOf } from "./bytes-codec.ts";
import { defaultJsonCodec } from "./index.ts";
import type { JsonObject, JsonValue } from "./types.ts";

const codec = defaultJsonCodec();
const messages: DescMessage[] = [];
for (const d of codec.descriptors.registry) if (d.kind === "message" && (d.typeName.startsWith("cairn.") || d.typeName === "google.protobuf.Any")) messages.push(d);

/** A JSON document setting every field (first member of each oneof), nested to `depth`. */
function sample(m: DescMessage, depth: number): JsonObject {
  const out: JsonObject = {};
  const oneofsSeen = new Set<string>();
  for (const f of m.fields) {
    if (f.oneof !== undefined) {
      if (oneofsSeen.has(f.oneof.name)) continue;
      oneofsSeen.add(f.oneof.name);
    }
    if (f.message !== undefined && depth === 0) continue;
    const one = elementSample(f, depth);
    out[f.name] = f.fieldKind === "list" ? [one, one] : one;
  }
  return out;
}

function elementSample(f: DescField, depth: number): JsonValue {
  if (f.message !== undefined) return sample(f.message, depth - 1);
  if (f.enum !== undefined) return f.enum.values[f.enum.values.length - 1]!.name;
  switch (f.scalar!) {
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return "-9223372036854775808";
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return "18446744073709551615";
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return -2147483648;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return 4294967295;
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE:
      return 1.5;
    case ScalarType.BOOL:
      return true;
    case ScalarType.STRING:
      return "s";
    case ScalarType.BYTES: {
      const form = bytesFormOf(codec.descriptors.bytesEncoding(f));
      return form === BytesForm.Base58 ? toBase58(Uint8Array.of(0, 1, 2)) : form === BytesForm.Hex ? "0x00017f" : "AAF_-w==";
    }
  }
}

describe("every message type", () => {
  test("there are plenty of them", () => {
    expect(messages.length).toBeGreaterThan(100);
  });

  for (const m of messages) {
    test(m.typeName, () => {
      const json = sample(m, 3);
      const msg = codec.fromJson(m.typeName, json);
      expect(codec.toJson(m.typeName, msg)).toStrictEqual(json);
      const fns = codec.messageFns(m.typeName);
      expect(fns.decode(fns.encode(msg).finish())).toStrictEqual(msg);
      const empty = fns.create() as Record<string, unknown>;
      for (const f of m.fields) if (f.oneof === undefined && !f.proto.proto3Optional) expect(Object.keys(empty)).toContain(f.name);
      expect(codec.toJson(m.typeName, empty)).toStrictEqual({});
    });
  }
});
