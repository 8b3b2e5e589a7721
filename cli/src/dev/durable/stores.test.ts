import { describe, expect, test } from "bun:test";
import { emptyMemoryStores } from "../memory-storage.ts";
import { DUMP_FORMAT, dumpFormatOf, memoryStoresFromParts, memoryStoresToParts } from "./stores.ts";

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

  test("another format is refused with a message naming both formats", () => {
    const parts = memoryStoresToParts(emptyMemoryStores());
    const other = new Uint8Array(4);
    new DataView(other.buffer).setUint32(0, DUMP_FORMAT + 1, true);
    parts.set("format", other);
    expect(() => memoryStoresFromParts(parts)).toThrow(`the snapshot holds store dumps of format ${DUMP_FORMAT + 1}; this build of Cairn reads format ${DUMP_FORMAT} only`);
  });
});
