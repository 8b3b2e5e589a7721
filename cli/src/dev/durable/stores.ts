/**
 * The memory stores (memory-storage.ts) in a snapshot file's form: each store's `dump()` as bytes
 * (JSC's structured-clone serialisation, `bun:jsc`, which keeps bigints and byte arrays as they
 * are), one snapshot part per store, and a `format` part naming the dumps' shape.
 *
 * The rule: whenever any store's `dump()` changes shape, {@link DUMP_FORMAT} goes up by one. A
 * snapshot of a format this build cannot read is refused with a message that says so (rather than
 * failing deep in a store's `fromDump` with whatever its decoder throws): the journal before a
 * snapshot is dropped once the snapshot is written, so the directory cannot be replayed from the
 * start. An older format stays readable while every store's `fromDump` still reads its dumps of
 * that format ({@link READ_FORMATS}); the next checkpoint writes the current one.
 *
 * Formats: 1, every store's first dump; 2, the block store's and the account history's dumps are
 * their columns, indexes and compressed chunks themselves (read back as they are, not decompressed
 * and indexed again record by record: a start on 100,000 blocks loads in a fraction of the time),
 * and the chain store's irreversible ids are packed in one buffer.
 */
import { deserialize, serialize } from "bun:jsc";
import { type MemoryStores, type MemoryStoresDump, dumpMemoryStores, emptyMemoryStores, memoryStoresFromDump } from "../memory-storage.ts";

const NAMES = ["chain", "blockStore", "mempool", "accountHistory"] as const;

/** The shape of the stores' dumps this build writes; see the rule above. */
export const DUMP_FORMAT = 2;
/** The formats this build reads: every store's `fromDump` still reads its format 1 dump (the block store and account history index it again). */
export const READ_FORMATS: readonly number[] = [1, 2];
/** The snapshot part holding {@link DUMP_FORMAT} (a u32, little-endian). Snapshots without it are format 1. */
const FORMAT_PART = "format";

function formatBytes(format: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, format, true);
  return bytes;
}

/** The dump format of `parts` (1 when it has no format part, as the first snapshots). */
export function dumpFormatOf(parts: ReadonlyMap<string, Uint8Array>): number {
  const bytes = parts.get(FORMAT_PART);
  if (bytes === undefined) return 1;
  if (bytes.length !== 4) throw new Error(`the snapshot's format part is ${bytes.length} bytes, not 4`);
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
}

/**
 * Whether `parts` hold store dumps of an older format than this build writes: read, but slower
 * (indexed again), so worth a checkpoint in the current format soon.
 */
export function olderDumpFormat(parts: ReadonlyMap<string, Uint8Array>): boolean {
  return NAMES.some((name) => parts.has(name)) && dumpFormatOf(parts) < DUMP_FORMAT;
}

/** Every store's dump as bytes, by name, and the format part. Synchronous: the parts agree with each other. */
export function dumpToParts(dump: MemoryStoresDump): Map<string, Uint8Array> {
  const parts = new Map<string, Uint8Array>(NAMES.map((name) => [name, new Uint8Array(serialize(dump[name]))]));
  parts.set(FORMAT_PART, formatBytes(DUMP_FORMAT));
  return parts;
}

/** The stores' dumps as parts, taken now. */
export function memoryStoresToParts(stores: MemoryStores): Map<string, Uint8Array> {
  return dumpToParts(dumpMemoryStores(stores));
}

/** Stores rebuilt from `parts`; no parts at all (a fresh directory, or a reset): empty stores. */
export function memoryStoresFromParts(parts: ReadonlyMap<string, Uint8Array>): MemoryStores {
  if (NAMES.every((name) => !parts.has(name))) return emptyMemoryStores();
  const format = dumpFormatOf(parts);
  if (!READ_FORMATS.includes(format)) {
    throw new Error(`the snapshot holds store dumps of format ${format}; this build of Cairn reads formats ${READ_FORMATS.join(", ")} only. Start it with the Cairn version that wrote the directory, or start over with a new --data directory`);
  }
  const missing = NAMES.filter((name) => !parts.has(name));
  if (missing.length > 0) throw new Error(`the snapshot lacks the ${missing.join(", ")} part`);
  const read = <K extends (typeof NAMES)[number]>(name: K) => deserialize(parts.get(name)!) as MemoryStoresDump[K];
  return memoryStoresFromDump({ chain: read("chain"), blockStore: read("blockStore"), mempool: read("mempool"), accountHistory: read("accountHistory") });
}
