import { describe, expect, test } from "bun:test";
import { type MemoryStoresDump, dumpMemoryStores, emptyMemoryStores } from "../memory-storage.ts";
import { DUMP_FORMAT, READ_FORMATS, dumpFormatOf, dumpToParts, olderDumpFormat, memoryStoresFromParts, memoryStoresToParts } from "./stores.ts";

describe("snapshot parts of the memory stores", () => {
  test("carry the dump format and read back", async () => {
    const parts = memoryStoresToParts(emptyMemoryStores());
    expect(dumpFormatOf(parts)).toBe(DUMP_FORMAT);
    const stores = memoryStoresFromParts(parts);
    expect((await stores.blockStore.getHighestBlock()) ?? undefined).toBeUndefined();
  });

  test("without a format part they are format 1, as the first snapshots", () => {
    const parts = memoryStoresToParts(emptyMemoryStores());
    parts.delete("format");
    expect(dumpFormatOf(parts)).toBe(1);
  });

  test("format 1 parts (the first dumps of the chain, block store and account history) are still read", async () => {
    const parts = dumpToParts({
      ...dumpMemoryStores(emptyMemoryStores()),
      chain: { version: 1, meta: undefined, state: [], reversible: [], lib: undefined, irreversible: [] },
      blockStore: { version: 1, blocks: [], receipts: [], committed: [], progress: -1 },
      accountHistory: { version: 1, head: { id: new Uint8Array(34), height: 0n }, lib: 0n, blocks: [], recordBytes: new Uint8Array(), recordLengths: [], recordKinds: [], recordHeights: [], recordPositions: [], entries: [] },
    } as unknown as MemoryStoresDump);
    parts.delete("format");
    const stores = memoryStoresFromParts(parts);
    expect(await stores.blockStore.getProgress()).toBeUndefined();
    expect((await stores.accountHistory.progress()).head.height).toBe(0n);
    expect(olderDumpFormat(parts)).toBe(true);
    // Written again, they are of this build's format.
    expect(dumpFormatOf(memoryStoresToParts(stores))).toBe(DUMP_FORMAT);
    expect(olderDumpFormat(memoryStoresToParts(stores))).toBe(false);
    // A reset's checkpoint (no store part at all) is of no format to rewrite.
    expect(olderDumpFormat(new Map())).toBe(false);
  });

  test("another format is refused with a message naming both formats", () => {
    const parts = memoryStoresToParts(emptyMemoryStores());
    const other = new Uint8Array(4);
    new DataView(other.buffer).setUint32(0, DUMP_FORMAT + 1, true);
    parts.set("format", other);
    expect(() => memoryStoresFromParts(parts)).toThrow(`the snapshot holds store dumps of format ${DUMP_FORMAT + 1}; this build of Cairn reads formats ${READ_FORMATS.join(", ")} only`);
  });
});
