/**
 * A contract's own ABI, as uploaded with it (Koinos `upload_contract.abi`, kept by the contract
 * meta store): JSON with `events` (event name → `{ "argument": "<message type>" }`) and `types`
 * (the contract's protobuf FileDescriptorSet, base64). Events are decoded through
 * `@bufbuild/protobuf` reflection over those descriptors, and bytes fields written per their
 * Koinos `btype` field option (`(koinos.btype)`, extension 50000: base58 for addresses and
 * contract ids, `0x` hex for hex / block / transaction ids, base64url otherwise) — the same
 * Koinos JSON the codec writes for Cairn's own messages.
 */
import { type DescField, type DescMessage, ScalarType, createFileRegistry, fromBinary, toJson } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { fromBase64url, toBase58, toBase64url, toHex } from "@cairn/core";
import type { JsonObject } from "../json/index.ts";
import type { ContractEventAbi } from "./decoder.ts";

/** Field number of Koinos' `btype` option on `google.protobuf.FieldOptions`. */
const KOINOS_BTYPE_FIELD = 50000;
/** Koinos `bytes_type` values: BASE64 0, BASE58 1, HEX 2, BLOCK_ID 3, TRANSACTION_ID 4, CONTRACT_ID 5, ADDRESS 6. */
const BASE58_BTYPES = new Set([1, 5, 6]);
const HEX_BTYPES = new Set([2, 3, 4]);

/** The varint value of field `no` among a message's unknown fields (where extensions not in the registry land). */
function unknownVarint(options: unknown, no: number): number | undefined {
  const unknown = (options as { $unknown?: { no: number; wireType: number; data: Uint8Array }[] } | undefined)?.$unknown;
  const f = unknown?.find((u) => u.no === no && u.wireType === 0);
  if (!f) return undefined;
  let value = 0;
  for (let i = 0, shift = 0; i < f.data.length; i++, shift += 7) {
    value += (f.data[i]! & 0x7f) * 2 ** shift;
    if ((f.data[i]! & 0x80) === 0) break;
  }
  return value;
}

function bytesText(btype: number | undefined, b64: string): string {
  const bytes = fromBase64url(b64.replace(/\+/g, "-").replace(/\//g, "_"));
  if (btype !== undefined && BASE58_BTYPES.has(btype)) return toBase58(bytes);
  if (btype !== undefined && HEX_BTYPES.has(btype)) return `0x${toHex(bytes)}`;
  return toBase64url(bytes);
}

/** Rewrites the bytes fields of proto3 JSON (standard base64) in their Koinos form, in place. */
function koinosBytes(desc: DescMessage, json: Record<string, unknown>): void {
  for (const field of desc.fields as DescField[]) {
    const key = field.name;
    const value = json[key];
    if (value === undefined || value === null) continue;
    const btype = unknownVarint(field.proto.options, KOINOS_BTYPE_FIELD);
    if (field.fieldKind === "scalar" && field.scalar === ScalarType.BYTES) json[key] = bytesText(btype, value as string);
    else if (field.fieldKind === "list" && field.listKind === "scalar" && field.scalar === ScalarType.BYTES) json[key] = (value as string[]).map((v) => bytesText(btype, v));
    else if (field.fieldKind === "message") koinosBytes(field.message, value as Record<string, unknown>);
    else if (field.fieldKind === "list" && field.listKind === "message") for (const v of value as Record<string, unknown>[]) koinosBytes(field.message, v);
  }
}

/**
 * The events of a Koinos ABI (JSON text). Undefined when the text is not such an ABI (not JSON,
 * no `events`, no `types`, or descriptors that do not load).
 */
export function koinosAbiEvents(abiText: string): ContractEventAbi | undefined {
  let abi: { events?: Record<string, { argument?: string }>; types?: string };
  try {
    abi = JSON.parse(abiText);
  } catch {
    return undefined;
  }
  if (typeof abi !== "object" || abi === null || typeof abi.types !== "string" || typeof abi.events !== "object" || abi.events === null) return undefined;
  let registry: ReturnType<typeof createFileRegistry>;
  try {
    const set = fromBinary(FileDescriptorSetSchema, fromBase64url(abi.types.replace(/\+/g, "-").replace(/\//g, "_")));
    registry = createFileRegistry(set);
  } catch {
    return undefined;
  }
  const byEvent = new Map<string, DescMessage>();
  for (const [name, spec] of Object.entries(abi.events)) {
    const type = spec?.argument ?? name;
    const desc = registry.getMessage(type.replace(/^\./, ""));
    if (desc) byEvent.set(name, desc);
  }
  return {
    decode(name, data) {
      const desc = byEvent.get(name);
      if (!desc) return undefined;
      const json = toJson(desc, fromBinary(desc, data), { useProtoFieldName: true, registry }) as Record<string, unknown>;
      koinosBytes(desc, json);
      return json as JsonObject;
    },
  };
}
