/**
 * `MemoryBlockStore`: the BlockStore contract suite (the same one `DrizzleBlockStore` passes), and
 * a dump → `fromDump` round trip (through `structuredClone`, as a snapshot or a snapshot file
 * carries it) that answers every read as the original; walks over the main chain (read by height)
 * across fork switches and gaps, checked against a link walk from the same head.
 */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { runBlockStoreContract } from "../testing/block-store-contract.ts";
import { fixture, heightOf, makeBlock, makeChain, makeReceipt } from "../testing/fixtures.ts";
import { protocol } from "@cairn/proto";
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

  test("a dump kept in memory is untouched by what the store does after it (a dev snapshot restored later)", async () => {
    const f = fixture();
    const store = new MemoryBlockStore();
    for (const b of f.main.slice(0, 3)) await store.storeBlock(b, makeReceipt(b));
    await store.storeBlock(f.fork[0]!, undefined, false);
    const dump = store.dump();
    const then = await answers(MemoryBlockStore.fromDump(structuredClone(dump)), f);
    // More blocks, a fork switch (committed flags, parents and the main chain rewritten in place).
    for (const b of [...f.main.slice(3), ...f.fork]) await store.storeBlock(b, makeReceipt(b));
    const restored = MemoryBlockStore.fromDump(dump);
    expect(await answers(restored, f)).toEqual(then);
    // Restored twice from the same dump: the first copy's growth does not reach the second.
    await restored.storeBlock(f.main[3]!, makeReceipt(f.main[3]!));
    expect(await answers(MemoryBlockStore.fromDump(dump), f)).toEqual(then);
  });

  test("a first-version dump (the blocks alone, as older snapshot files hold) is still read", async () => {
    const f = fixture();
    const store = new MemoryBlockStore();
    for (const b of f.main) await store.storeBlock(b, makeReceipt(b));
    await store.storeBlock(f.fork[0]!, undefined, false);
    const stored = [...f.main, f.fork[0]!];
    const v1 = {
      version: 1 as const,
      blocks: stored.map((b) => Bun.zstdCompressSync(protocol.Block.encode(b).finish())),
      receipts: stored.map((b, i) => (i < f.main.length ? Bun.zstdCompressSync(protocol.BlockReceipt.encode(makeReceipt(b)).finish()) : null)),
      committed: stored.map((_, i) => i < f.main.length),
      progress: stored.length - 1,
    };
    expect(await answers(MemoryBlockStore.fromDump(structuredClone(v1)), f)).toEqual(await answers(store, f));
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

describe("MemoryBlockStore main chain by height", () => {
  const topo = (b: protocol.Block) => ({ id: b.id, height: heightOf(b), previous: b.header!.previous });
  const ids = (blocks: readonly { id: Uint8Array }[]) => blocks.map((b) => toHex(b.id));
  const walk = async (store: BlockStore, head: protocol.Block, from: bigint, to: bigint) => ids(await store.getAncestors(topo(head), from, to, { block: true, receipt: false }));

  test("a fork switch moves the heights above the common ancestor; both branches still walk right", async () => {
    const store = new MemoryBlockStore();
    const { main, fork } = fixture();
    for (const b of main) await store.storeBlock(b, makeReceipt(b));
    expect(await walk(store, main[4]!, 1n, 5n)).toEqual(ids(main));
    for (const b of fork) await store.storeBlock(b, makeReceipt(b));
    expect(toHex((await store.getHighestBlock())!.id)).toBe(toHex(fork[3]!.id));
    expect(await walk(store, fork[3]!, 1n, 9n)).toEqual(ids([main[0]!, main[1]!, ...fork]));
    expect(await walk(store, fork[2]!, 2n, 4n)).toEqual(ids([main[1]!, fork[0]!, fork[1]!]));
    expect(await walk(store, main[4]!, 0n, 5n)).toEqual(ids(main));
    expect(await walk(store, main[3]!, 3n, 4n)).toEqual(ids(main.slice(2, 4)));
    // Back to the first branch once it is higher.
    const b6 = makeBlock(main[4]!);
    const b7 = makeBlock(b6);
    await store.storeBlock(b6);
    await store.storeBlock(b7);
    expect(await walk(store, b7, 1n, 7n)).toEqual(ids([...main, b6, b7]));
    expect(await walk(store, fork[3]!, 3n, 6n)).toEqual(ids(fork));
  });

  test("a missing ancestor ends walks at the gap until it is stored", async () => {
    const store = new MemoryBlockStore();
    const chain = makeChain(undefined, 300, 5n);
    for (const [i, b] of chain.entries()) if (i !== 99) await store.storeBlock(b);
    expect(await walk(store, chain[299]!, 1n, 300n)).toEqual(ids(chain.slice(100)));
    expect(await walk(store, chain[299]!, 1n, 50n)).toEqual([]);
    expect(await walk(store, chain[98]!, 1n, 99n)).toEqual(ids(chain.slice(0, 99)));
    await store.storeBlock(chain[99]!);
    expect(await walk(store, chain[299]!, 1n, 300n)).toEqual(ids(chain));
    expect(await walk(store, chain[299]!, 40n, 160n)).toEqual(ids(chain.slice(39, 160)));
    // An uncommitted block above the head is walked by its links, and joins the main chain once committed.
    const top = makeBlock(chain[299]!);
    await store.storeBlock(top, undefined, false);
    expect(await walk(store, top, 299n, 301n)).toEqual(ids([chain[298]!, chain[299]!, top]));
    await store.storeBlock(top);
    expect(await walk(store, top, 1n, 301n)).toEqual(ids([...chain, top]));
  });
});
