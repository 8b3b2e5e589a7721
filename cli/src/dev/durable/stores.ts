/**
 * The memory stores (memory-storage.ts) in a snapshot file's form: each store's `dump()` as bytes
 * (JSC's structured-clone serialisation, `bun:jsc`, which keeps bigints and byte arrays as they
 * are), one snapshot part per store.
 */
import { deserialize, serialize } from "bun:jsc";
import { type MemoryStores, type MemoryStoresDump, dumpMemoryStores, emptyMemoryStores, memoryStoresFromDump } from "../memory-storage.ts";

const NAMES = ["chain", "blockStore", "mempool", "accountHistory"] as const;

/** Every store's dump as bytes, by name. Synchronous: the parts agree with each other. */
export function dumpToParts(dump: MemoryStoresDump): Map<string, Uint8Array> {
  return new Map(NAMES.map((name) => [name, new Uint8Array(serialize(dump[name]))]));
}

/** The stores' dumps as parts, taken now. */
export function memoryStoresToParts(stores: MemoryStores): Map<string, Uint8Array> {
  return dumpToParts(dumpMemoryStores(stores));
}

/** Stores rebuilt from `parts`; no parts at all (a fresh directory, or a reset): empty stores. */
export function memoryStoresFromParts(parts: ReadonlyMap<string, Uint8Array>): MemoryStores {
  if (NAMES.every((name) => !parts.has(name))) return emptyMemoryStores();
  const missing = NAMES.filter((name) => !parts.has(name));
  if (missing.length > 0) throw new Error(`the snapshot lacks the ${missing.join(", ")} part`);
  const read = <K extends (typeof NAMES)[number]>(name: K) => deserialize(parts.get(name)!) as MemoryStoresDump[K];
  return memoryStoresFromDump({ chain: read("chain"), blockStore: read("blockStore"), mempool: read("mempool"), accountHistory: read("accountHistory") });
}
