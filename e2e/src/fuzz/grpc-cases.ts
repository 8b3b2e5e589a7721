/**
 * Random and mutated protobuf for every gRPC method: bytes from scratch, and encodings of
 * schema-shaped requests with bit flips, truncation, appended junk, overlong varints and
 * length prefixes that claim more than the message holds.
 */
import { defaultJsonCodec } from "@cairn/protocol";
import type { Random } from "./random.ts";
import { type Schema, schemaValue } from "./values.ts";

/** One gRPC method to fuzz. */
export interface GrpcTarget {
  /** `cairn.chain.v1.ChainService` */
  service: string;
  /** `/cairn.chain.v1.ChainService/GetHeadInfo` */
  path: string;
  inputType: string;
  schema: Schema;
  defs: Record<string, Schema>;
}

/** Every method of every service in the contracts. */
export function grpcTargets(): GrpcTarget[] {
  const codec = defaultJsonCodec();
  const out: GrpcTarget[] = [];
  for (const service of codec.listServices()) {
    for (const m of service.methods) {
      // Types without a Koinos JSON form (grpc.health.v1) get random and mutated bytes only.
      let schema: Schema = {};
      let defs: Record<string, Schema> = {};
      try {
        const { $defs, ...rest } = codec.toJsonSchema(m.inputType) as Schema & { $defs?: Record<string, Schema> };
        schema = rest;
        defs = $defs ?? {};
      } catch {
        // keep the empty schema
      }
      out.push({ service: service.typeName, path: `/${service.typeName}/${m.name}`, inputType: m.inputType, schema, defs });
    }
  }
  return out;
}

/** A well-formed encoding of a schema-shaped request (empty when the JSON does not decode). */
function validEncoding(r: Random, target: GrpcTarget): Uint8Array {
  const codec = defaultJsonCodec();
  try {
    const message = codec.fromJson(target.inputType, schemaValue(r, target.schema, target.defs, 0));
    return codec.messageFns(target.inputType).encode(message).finish();
  } catch {
    return new Uint8Array();
  }
}

/** The request bytes for `target`. */
export function grpcBody(r: Random, target: GrpcTarget): { kind: string; bytes: Uint8Array } {
  const roll = r.int(10);
  if (roll < 3) return { kind: "random", bytes: r.bytes(r.length(r.chance(0.02) ? 200_000 : 2048)) };
  const valid = validEncoding(r, target);
  if (roll < 5) return { kind: "valid", bytes: valid };
  const bytes = Uint8Array.from(valid);
  switch (r.int(5)) {
    case 0:
      for (let i = 1 + r.int(4); i > 0 && bytes.length > 0; i--) bytes[r.int(bytes.length)]! ^= 1 << r.int(8);
      return { kind: "bit-flip", bytes };
    case 1:
      return { kind: "truncated", bytes: bytes.subarray(0, r.int(bytes.length + 1)) };
    case 2:
      return { kind: "appended", bytes: Uint8Array.from([...bytes, ...r.bytes(1 + r.int(64))]) };
    case 3:
      // Field 1..15, wire type 0, an eleven-byte varint (past 64 bits).
      return { kind: "overlong-varint", bytes: Uint8Array.from([...bytes, ((1 + r.int(15)) << 3) | 0, ...new Array(10).fill(0xff), 0x01]) };
    default:
      // Field 1..15, length-delimited, claiming ~2 GB.
      return { kind: "overlong-length", bytes: Uint8Array.from([((1 + r.int(15)) << 3) | 2, 0xff, 0xff, 0xff, 0xff, 0x07, 1, 2, 3]) };
  }
}
