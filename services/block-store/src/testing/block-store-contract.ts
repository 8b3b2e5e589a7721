/**
 * The `BlockStore` contract (architecture §8): one suite, run against `MemoryBlockStore` and against
 * `DrizzleBlockStore` on every database it can sit on (PGlite in memory always; Postgres when
 * reachable, and always under `CI=true`). Every test gets a fresh store (on a database: a fresh
 * schema with the migrations applied). Walks are checked twice: through a store whose
 * cache saw the blocks being stored, and through a cold store (cache disabled) on the same data,
 * so both the in-memory and the SQL paths are held to the same answers.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { isCairnError, silentLogger, toHex } from "@cairn/core";
import { type DatabaseHandle, openDatabase } from "@cairn/db";
import { openTestDatabase, type TestDatabase, type TestDatabaseTarget } from "@cairn/db/testing";
import type { protocol } from "@cairn/proto";
import { MIGRATIONS_FOLDER } from "../store/migrations.ts";
import { DrizzleBlockStore } from "../store/drizzle-store.ts";
import { MemoryBlockStore } from "../store/memory-store.ts";
import type { BlockStore, Topology } from "../store/store.ts";
import { fixture, heightOf, makeBlock, makeChain, makeReceipt, makeTransaction } from "./fixtures.ts";

/** First PGlite of a process runs initdb (seconds on a busy machine); bun's default is 5 s. */
const TIMEOUT_MS = 30_000;

const hex = (ids: readonly Uint8Array[]) => ids.map((id) => toHex(id));
const idsOf = (blocks: readonly { id: Uint8Array }[]) => hex(blocks.map((b) => b.id));
const topo = (b: protocol.Block): Topology => ({ id: b.id, height: heightOf(b), previous: b.header!.previous });

async function storeAll(store: BlockStore, blocks: readonly protocol.Block[]): Promise<void> {
  for (const b of blocks) await store.storeBlock(b, makeReceipt(b));
}

/** What the suite runs against: a way to open an empty store, and to release it after each test. */
export interface BlockStoreSubject {
  name: string;
  /**
   * A fresh empty store, and `cold()`: a second store over the same data that saw none of it
   * being stored (no warm cache), or the store itself when there is no such thing (memory).
   */
  open(): Promise<{ store: BlockStore; cold: () => BlockStore }>;
  /** Releases what the last `open` took (after each test). */
  release(): Promise<void>;
}

/** How the suite reads from a database. */
export interface BlockStoreContractOptions {
  /**
   * Give the stores a `readDb` of their own: a second connection pool on the same schema, so
   * every lookup takes the read-replica path (replica first, then the primary for misses).
   */
  separateReadPool?: boolean;
}

/** `DrizzleBlockStore` on a fresh migrated schema of `target` per test. */
export function databaseSubject(target: TestDatabaseTarget, suite: BlockStoreContractOptions = {}): BlockStoreSubject {
  let db: TestDatabase | undefined;
  let reads: DatabaseHandle | undefined;
  return {
    name: `${target.name}${suite.separateReadPool ? " (reads through a separate read pool)" : ""}`,
    async open() {
      db = await openTestDatabase(target.url, { migrationsFolder: MIGRATIONS_FOLDER });
      const handle = db;
      if (suite.separateReadPool) reads = await openDatabase(target.url, { logger: silentLogger(), schemaName: handle.schemaName });
      const readDb = reads?.db;
      return { store: new DrizzleBlockStore(handle.db, { readDb }), cold: () => new DrizzleBlockStore(handle.db, { topologyCacheSize: 0, readDb }) };
    },
    async release() {
      await reads?.close();
      reads = undefined;
      await db?.dispose();
      db = undefined;
    },
  };
}

/** Registers the contract suite against one subject. */
export function runBlockStoreContract(subject: BlockStoreSubject): void {
  describe(`BlockStore contract: ${subject.name}`, () => {
    afterEach(() => subject.release());
    const open = () => subject.open();

    test("storing a block is idempotent; progress follows new blocks only", async () => {
      const { store, cold } = await open();
      const [b1, b2] = fixture().main;
      expect(await store.getProgress()).toBeUndefined();
      expect(await store.storeBlock(b1!, makeReceipt(b1!))).toBe(true);
      expect(await store.storeBlock(b2!, makeReceipt(b2!))).toBe(true);
      expect(await store.storeBlock(b1!, makeReceipt(b1!))).toBe(false);
      expect(await cold().storeBlock(b1!, makeReceipt(b1!))).toBe(false);
      const progress = await store.getProgress();
      expect(toHex(progress!.blockId)).toBe(toHex(b2!.id));
      expect(progress!.height).toBe(2n);
    }, TIMEOUT_MS);

    test("a block without id or header is rejected", async () => {
      const { store } = await open();
      const b1 = fixture().main[0]!;
      const noHeader = { ...b1, header: undefined };
      const err = await store.storeBlock(noHeader).catch((e: unknown) => e);
      expect(isCairnError(err) && err.code).toBe("block_store.invalid_block");
      const noId = await store.storeBlock({ ...b1, id: new Uint8Array() }).catch((e: unknown) => e);
      expect(isCairnError(noId) && noId.message).toBe("missing expected field: block.id");
    }, TIMEOUT_MS);

    test("getBlocksById is positional, with block and receipt only when asked", async () => {
      const { store, cold } = await open();
      const { main, fork } = fixture();
      await storeAll(store, main);
      await store.storeBlock(fork[0]!);
      const ids = [main[2]!.id, fork[1]!.id, main[0]!.id, main[2]!.id, fork[0]!.id];
      for (const s of [store, cold()]) {
        const bare = await s.getBlocksById(ids, { block: false, receipt: false });
        expect(bare.map((r) => (r ? toHex(r.id) : undefined))).toEqual([toHex(main[2]!.id), undefined, toHex(main[0]!.id), toHex(main[2]!.id), toHex(fork[0]!.id)]);
        expect(bare.map((r) => r?.height)).toEqual([3n, undefined, 1n, 3n, 3n]);
        expect(bare[0]!.block).toBeUndefined();
        expect(bare[0]!.receipt).toBeUndefined();
        const full = await s.getBlocksById(ids, { block: true, receipt: true });
        expect(full[0]!.block).toEqual(main[2]!);
        expect(full[0]!.receipt).toEqual(makeReceipt(main[2]!));
        expect(full[4]!.block).toEqual(fork[0]!);
        expect(full[4]!.receipt).toBeUndefined(); // stored without one
        const receiptOnly = await s.getBlocksById([main[1]!.id], { block: false, receipt: true });
        expect(receiptOnly[0]!.block).toBeUndefined();
        expect(receiptOnly[0]!.receipt?.height).toBe(2n);
      }
      expect(await store.getBlocksById([], { block: true, receipt: true })).toEqual([]);
    }, TIMEOUT_MS);

    test("getAncestors follows the head's own fork, ascending", async () => {
      const { store, cold } = await open();
      const { main, fork } = fixture();
      await storeAll(store, main);
      await storeAll(store, fork);
      for (const s of [store, cold()]) {
        expect(idsOf(await s.getAncestors(topo(main[4]!), 1n, 5n, { block: false, receipt: false }))).toEqual(idsOf(main));
        expect(idsOf(await s.getAncestors(topo(main[4]!), 2n, 4n, { block: false, receipt: false }))).toEqual(idsOf(main.slice(1, 4)));
        expect(idsOf(await s.getAncestors(topo(fork[2]!), 1n, 5n, { block: false, receipt: false }))).toEqual(idsOf([main[0]!, main[1]!, fork[0]!, fork[1]!, fork[2]!]));
        expect(idsOf(await s.getAncestors(topo(fork[3]!), 6n, 6n, { block: false, receipt: false }))).toEqual(idsOf([fork[3]!]));
        const withBlocks = await s.getAncestors(topo(fork[1]!), 2n, 3n, { block: true, receipt: true });
        expect(withBlocks.map((r) => r.block)).toEqual([main[1]!, fork[0]!]);
        expect(withBlocks.map((r) => r.receipt?.height)).toEqual([2n, 3n]);
        expect(withBlocks.map((r) => r.height)).toEqual([2n, 3n]);
      }
    }, TIMEOUT_MS);

    test("blocks stored before their parents are walked once the parents arrive; a gap ends the walk", async () => {
      const { store, cold } = await open();
      const { main } = fixture();
      await storeAll(store, [main[4]!, main[3]!, main[1]!, main[0]!]); // 3 missing
      for (const s of [store, cold()]) {
        expect(idsOf(await s.getAncestors(topo(main[4]!), 1n, 5n, { block: false, receipt: false }))).toEqual(idsOf([main[3]!, main[4]!]));
      }
      await store.storeBlock(main[2]!);
      for (const s of [store, cold()]) {
        expect(idsOf(await s.getAncestors(topo(main[4]!), 1n, 5n, { block: false, receipt: false }))).toEqual(idsOf(main));
      }
    }, TIMEOUT_MS);

    test("getTopology and getHighestBlock (ties go to the first stored)", async () => {
      const { store, cold } = await open();
      const { main, fork } = fixture();
      expect(await store.getHighestBlock()).toBeUndefined();
      await storeAll(store, main);
      await storeAll(store, fork.slice(0, 3)); // 5′ ties with 5
      for (const s of [store, cold()]) {
        const highest = await s.getHighestBlock();
        expect(toHex(highest!.id)).toBe(toHex(main[4]!.id));
        expect(highest!.height).toBe(5n);
        expect(toHex(highest!.previous)).toBe(toHex(main[3]!.id));
        const t = await s.getTopology(fork[0]!.id);
        expect(t && { id: toHex(t.id), height: t.height, previous: toHex(t.previous) }).toEqual({ id: toHex(fork[0]!.id), height: 3n, previous: toHex(main[1]!.id) });
        expect(await s.getTopology(fork[3]!.id)).toBeUndefined();
      }
      await store.storeBlock(fork[3]!);
      expect(toHex((await store.getHighestBlock())!.id)).toBe(toHex(fork[3]!.id));
    }, TIMEOUT_MS);

    test("getTransactionsById skips unknown ids and lists every containing block in storing order", async () => {
      const { store, cold } = await open();
      const { main, fork, shared, mainOnly, forkOnly, unknown } = fixture();
      await storeAll(store, [...main.slice(0, 2), fork[0]!, main[2]!, main[3]!, fork[1]!]); // 3′ before 3
      for (const s of [store, cold()]) {
        const found = await s.getTransactionsById([unknown.id, shared.id, forkOnly.id, mainOnly.id, shared.id, new Uint8Array()]);
        expect(hex(found.map((r) => r.transaction.id))).toEqual(hex([shared.id, forkOnly.id, mainOnly.id, shared.id]));
        expect(found[0]!.transaction).toEqual(shared);
        expect(hex(found[0]!.containingBlocks)).toEqual(hex([fork[0]!.id, main[2]!.id]));
        expect(hex(found[1]!.containingBlocks)).toEqual(hex([fork[1]!.id]));
        expect(hex(found[2]!.containingBlocks)).toEqual(hex([main[3]!.id]));
        expect(await s.getTransactionsById([unknown.id])).toEqual([]);
      }
    }, TIMEOUT_MS);

    test("concurrent stores of one block write it once", async () => {
      const { store, cold } = await open();
      const b1 = fixture().main[0]!;
      const results = await Promise.all([store.storeBlock(b1), cold().storeBlock(b1), cold().storeBlock(b1)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.getTransactionsById([b1.transactions[0]!.id]))[0]!.containingBlocks).toHaveLength(1);
    }, TIMEOUT_MS);

    test("a block with more transactions than one insert batch", async () => {
      const { store } = await open();
      const txs = Array.from({ length: 2_100 }, (_, i) => makeTransaction("volume", BigInt(i + 1), false));
      const big = makeBlock(undefined, txs, 7n);
      expect(await store.storeBlock(big, makeReceipt(big))).toBe(true);
      const found = await store.getTransactionsById(txs.map((t) => t.id));
      expect(found).toHaveLength(2_100);
      expect(found.every((r) => r.containingBlocks.length === 1)).toBe(true);
      expect((await store.getBlocksById([big.id], { block: true, receipt: false }))[0]!.block!.transactions).toHaveLength(2_100);
    }, TIMEOUT_MS);

    test("long chains: skip pointers reach deep ranges on either fork", async () => {
      const { store, cold } = await open();
      const main = makeChain(undefined, 300, 11n);
      const fork = makeChain(main[149], 100, 12n); // heights 151..250
      await storeAll(store, main);
      await storeAll(store, fork);
      for (const s of [store, cold()]) {
        expect(idsOf(await s.getAncestors(topo(main[299]!), 1n, 10n, { block: false, receipt: false }))).toEqual(idsOf(main.slice(0, 10)));
        expect(idsOf(await s.getAncestors(topo(main[299]!), 100n, 299n, { block: false, receipt: false }))).toEqual(idsOf(main.slice(99, 299)));
        expect(idsOf(await s.getAncestors(topo(fork[99]!), 140n, 160n, { block: false, receipt: false }))).toEqual(idsOf([...main.slice(139, 150), ...fork.slice(0, 10)]));
        expect(idsOf(await s.getAncestors(topo(fork[99]!), 1n, 3n, { block: true, receipt: false }))).toEqual(idsOf(main.slice(0, 3)));
      }
    }, TIMEOUT_MS);

    test("storeBlocks: a batch stores what storeBlock one by one would (parents in the batch, repeats, stored blocks)", async () => {
      const { store, cold } = await open();
      const { main, fork, shared } = fixture();
      const long = makeChain(main[4], 150, 13n); // heights 6..155: skip pointers reach into the batch's own blocks
      await store.storeBlock(main[0]!, makeReceipt(main[0]!));
      const batch = [main[0]!, main[1]!, main[2]!, fork[0]!, main[2]!, main[3]!, main[4]!, ...long].map((b) => ({ block: b, receipt: makeReceipt(b) }));
      const stored = await store.storeBlocks(batch);
      expect(stored).toEqual([false, true, true, true, false, true, true, ...long.map(() => true)]);
      expect(await store.storeBlocks([{ block: main[1]! }, { block: fork[1]!, receipt: makeReceipt(fork[1]!) }])).toEqual([false, true]);
      expect(await store.storeBlocks([])).toEqual([]);
      const tip = long.at(-1)!;
      const progress = await store.getProgress();
      expect(toHex(progress!.blockId)).toBe(toHex(fork[1]!.id));
      for (const s of [store, cold()]) {
        expect(toHex((await s.getHighestBlock())!.id)).toBe(toHex(tip.id));
        const walk = await s.getAncestors(topo(tip), 1n, 155n, { block: false, receipt: true });
        expect(idsOf(walk)).toEqual(idsOf([...main, ...long]));
        expect(walk.map((r) => r.receipt?.height)).toEqual(walk.map((r) => r.height));
        expect(idsOf(await s.getAncestors(topo(tip), 3n, 4n, { block: false, receipt: false }))).toEqual(idsOf(main.slice(2, 4)));
        expect(idsOf(await s.getAncestors(topo(fork[1]!), 1n, 4n, { block: false, receipt: false }))).toEqual(idsOf([main[0]!, main[1]!, fork[0]!, fork[1]!]));
        const found = await s.getTransactionsById([shared.id]);
        expect(hex(found[0]!.containingBlocks)).toEqual(hex([main[2]!.id, fork[0]!.id]));
      }
      // The same blocks stored one by one (in a store of their own, not a second schema of this test's) answer the same.
      const single = new MemoryBlockStore();
      const oneByOne: boolean[] = [];
      for (const { block, receipt } of batch) oneByOne.push(await single.storeBlock(block, receipt));
      // Block 1 was stored before the batch in this test's store, not in that one.
      expect(oneByOne).toEqual(stored.map((x, i) => x || i === 0));
      expect(toHex((await single.getHighestBlock())!.id)).toBe(toHex(tip.id));
    }, TIMEOUT_MS);

    test("storeBlocks uncommitted, then committed: served by id, the highest only once committed", async () => {
      const { store, cold } = await open();
      const { main } = fixture();
      const items = main.map((b) => ({ block: b, receipt: makeReceipt(b) }));
      expect(await store.storeBlocks(items.slice(0, 3), false)).toEqual([true, true, true]);
      expect(await store.getHighestBlock()).toBeUndefined();
      expect((await store.getBlocksById([main[2]!.id], { block: false, receipt: false }))[0]?.height).toBe(3n);
      // A committed block vouches for its stored uncommitted ancestors.
      expect(await store.storeBlocks(items.slice(3, 4))).toEqual([true]);
      for (const s of [store, cold()]) expect(toHex((await s.getHighestBlock())!.id)).toBe(toHex(main[3]!.id));
      expect(hex((await store.getTransactionsById([main[2]!.transactions[0]!.id]))[0]!.containingBlocks)).toEqual(hex([main[2]!.id]));
    }, TIMEOUT_MS);

    test("reset empties the store", async () => {
      const { store } = await open();
      const { main } = fixture();
      await storeAll(store, main);
      await store.reset();
      expect(await store.getHighestBlock()).toBeUndefined();
      expect(await store.getProgress()).toBeUndefined();
      expect(await store.getTopology(main[0]!.id)).toBeUndefined();
      expect(await store.getTransactionsById([main[0]!.transactions[0]!.id])).toEqual([]);
      expect(await store.storeBlock(main[0]!)).toBe(true);
    }, TIMEOUT_MS);
  });
}
