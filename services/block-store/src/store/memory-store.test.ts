/**
 * `MemoryBlockStore`: the BlockStore contract suite (the same one `DrizzleBlockStore` passes), and
 * a dump → `fromDump` round trip (through `structuredClone`, as a snapshot or a snapshot file
 * carries it) that answers every read as the original.
 */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { runBlockStoreContract } from "../testing/block-store-contract.ts";
import { fixture, makeReceipt } from "../testing/fixtures.ts";
import { MemoryBlockStore } from "./memory-store.ts";
import type { BlockStore } from "./store.ts";

runBlockStoreContract({
  name: "memory",
  async open() {
    const store = new MemoryBlockStore();
    return { store, cold: () => store };
  },
  async release() {},
});

/** Everything a store answers about the fixture, as comparable plain values. */
async function answers(store: BlockStore, f: ReturnType<typeof fixture>) {
  const all = [...f.main, ...f.fork];
  const head = (b: (typeof all)[number]) => ({ id: b.id, height: b.header!.height, previous: b.header!.previous });
  const hex = (r: { id: Uint8Array } | undefined) => (r ? toHex(r.id) : undefined);
  return {
    blocks: (await store.getBlocksById(all.map((b) => b.id), { block: true, receipt: true })).map((r) => r && { id: hex(r), height: r.height, block: r.block, receipt: r.receipt }),
    main: (await store.getAncestors(head(f.main[4]!), 1n, 5n, { block: false, receipt: false })).map(hex),
    fork: (await store.getAncestors(head(f.fork[3]!), 1n, 6n, { block: false, receipt: false })).map(hex),
    highest: hex(await store.getHighestBlock()),
    progress: await store.getProgress().then((p) => p && { id: toHex(p.blockId), height: p.height }),
    transactions: (await store.getTransactionsById([f.shared.id, f.mainOnly.id, f.forkOnly.id, f.unknown.id])).map((t) => ({ tx: t.transaction, in: t.containingBlocks.map(toHex) })),
  };
}

describe("MemoryBlockStore dump", () => {
  test("fromDump(structuredClone(dump())) answers every read as the original, and keeps growing alike", async () => {
    const f = fixture();
    const store = new MemoryBlockStore();
    for (const b of f.main.slice(0, 3)) await store.storeBlock(b, makeReceipt(b));
    for (const b of f.fork.slice(0, 2)) await store.storeBlock(b, undefined, false); // uncommitted, no receipt
    await store.storeBlock(f.main[3]!, makeReceipt(f.main[3]!));
    const copy = MemoryBlockStore.fromDump(structuredClone(store.dump()));
    expect(copy.size).toBe(store.size);
    expect(await answers(copy, f)).toEqual(await answers(store, f));
    for (const s of [store, copy]) {
      await s.storeBlock(f.main[4]!, makeReceipt(f.main[4]!));
      for (const b of f.fork.slice(2)) await s.storeBlock(b, makeReceipt(b));
      await s.storeBlock(f.fork[0]!); // commits 3′ and 4′ now
    }
    expect(await answers(copy, f)).toEqual(await answers(store, f));
    expect((await copy.getHighestBlock())!.height).toBe(6n);
  });

  test("an empty store round-trips; reset empties", async () => {
    const empty = MemoryBlockStore.fromDump(structuredClone(new MemoryBlockStore().dump()));
    expect(await empty.getProgress()).toBeUndefined();
    const f = fixture();
    await empty.storeBlock(f.main[0]!);
    await empty.reset();
    expect(empty.dump()).toEqual(new MemoryBlockStore().dump());
  });
});
