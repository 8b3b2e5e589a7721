/**
 * The ts-proto message consts (`encode`/`decode`/`create`/`fromPartial`) by fully qualified type
 * name, gathered from the generated `protoMetadata.references` of every file and its imports
 * (so `google.protobuf.Any` is there too).
 */
import { allProtoMetadata } from "@cairn/proto";
import type { ProtoMessageFns } from "./types.ts";

/** Enough of ts-proto's per-file `protoMetadata` to find the message consts. */
export interface ProtoMetadataLike {
  references: { [typeName: string]: unknown };
  dependencies?: ProtoMetadataLike[];
}

/** Type name without a leading dot: ".cairn.chain.v1.X" → "cairn.chain.v1.X". */
export function normalizeTypeName(typeName: string): string {
  return typeName.startsWith(".") ? typeName.slice(1) : typeName;
}

/** Every ts-proto message const reachable from `metadata`, keyed by type name (no leading dot). */
export function collectMessageFns(metadata: readonly ProtoMetadataLike[] = allProtoMetadata): Map<string, ProtoMessageFns> {
  const out = new Map<string, ProtoMessageFns>();
  const seen = new Set<ProtoMetadataLike>();
  const visit = (m: ProtoMetadataLike): void => {
    if (seen.has(m)) return;
    seen.add(m);
    for (const [name, ref] of Object.entries(m.references)) {
      if (isMessageFns(ref)) out.set(normalizeTypeName(name), ref);
    }
    for (const d of m.dependencies ?? []) visit(d);
  };
  for (const m of metadata) visit(m);
  return out;
}

function isMessageFns(v: unknown): v is ProtoMessageFns {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.encode === "function" && typeof o.decode === "function" && typeof o.fromPartial === "function" && typeof o.create === "function";
}
