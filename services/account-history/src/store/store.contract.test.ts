/**
 * One AccountHistoryStore contract suite, run in memory, on PGlite (memory) and — when reachable,
 * and always under CI=true — Postgres: dense seq_nums in block order, atomic apply with the head
 * check, fork reverts, the history queries, LIB, reset, and two writers racing for one block.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { silentLogger, toHex } from "@cairn/core";
import { openDatabase } from "@cairn/db";
import { openTestDatabase, testDatabaseUrls, type TestDatabase } from "@cairn/db/testing";
import { account_history } from "@cairn/proto";
import { ZERO_ID } from "@cairn/protocol";
import { KOIN_ID } from "@cairn/chain/testing";
import type { BlockWithReceipt } from "@cairn/block-store/client";
import { createSourcedChain, dumpReadModel, parentOf, readModelOfDump, type ReadModelDump } from "../testing/index.ts";
import { DrizzleAccountHistoryStore } from "./drizzle-store.ts";
import { MemoryAccountHistoryStore } from "./memory-store.ts";
import { MIGRATIONS_FOLDER } from "./migrations.ts";
import type { AccountHistoryStore } from "./store.ts";

const GENESIS = { id: ZERO_ID, height: 0n };
const opened: TestDatabase[] = [];
afterAll(async () => {
  for (const db of opened) await db.dispose();
});

/** A fresh store, every row of its read model, and a second writer on the same data (the store itself when there is one connection). */
interface Fresh {
  store: AccountHistoryStore;
  rows(): Promise<ReadModelDump>;
  secondWriter(): Promise<{ store: AccountHistoryStore; close(): Promise<void> }>;
}

const targets: { name: string; fresh(): Promise<Fresh> }[] = [
  {
    // Chunks of 200 bytes: most records seal a chunk, so every read and revert crosses sealed ones.
    name: "memory",
    async fresh() {
      const store = new MemoryAccountHistoryStore({ chunkBytes: 200 });
      return { store, rows: async () => readModelOfDump(store.dump()), secondWriter: async () => ({ store, close: async () => {} }) };
    },
  },
];
for (const target of await testDatabaseUrls()) {
  targets.push({
    name: target.name,
    async fresh() {
      const db = await openTestDatabase(target.url, { migrationsFolder: MIGRATIONS_FOLDER });
      opened.push(db);
      const store = new DrizzleAccountHistoryStore(db.db);
      return {
        store,
        rows: () => dumpReadModel(db.db),
        // A second connection pool on the same schema when the server allows it (PGlite memory has one connection).
        async secondWriter() {
          if (target.kind !== "postgres") return { store, close: async () => {} };
          const other = await openDatabase(target.url, { logger: silentLogger(), schemaName: db.schemaName });
          return { store: new DrizzleAccountHistoryStore(other.db), close: () => other.close() };
        },
      };
    },
  });
}

/** Three blocks: 0→1 (100), 0→2 (5) + 1→2 (3), then an empty block. */
async function threeBlocks() {
  const c = await createSourcedChain();
  const { t } = c;
  const r1 = await t.produce([t.transfer(0, 1, 100n, 1n)]);
  const r2 = await t.produce([t.transfer(0, 2, 5n, 2n), t.transfer(1, 2, 3n, 1n)]);
  await t.produce();
  const blocks = (await c.source.blocksWithReceiptsByHeight(t.chain.head.id, 1n, 10)) as BlockWithReceipt[];
  return { ...c, blocks, r1, r2 };
}

const ref = (b: BlockWithReceipt) => ({ id: b.block.id, height: b.block.header!.height });

for (const target of targets) {
  describe(`AccountHistoryStore contract: ${target.name}`, () => {
    test("an empty store is at genesis with no history", async () => {
      const { store } = await target.fresh();
      expect(await store.progress()).toEqual({ head: GENESIS, lib: 0n });
      expect(await store.history({ address: KOIN_ID, limit: 10, ascending: true, irreversible: false })).toEqual([]);
      expect(await store.appliedBlocks(1n, 10n)).toEqual([]);
    });

    test("apply numbers entries densely per address: block record first, then transactions in block order", async () => {
      const { store } = await target.fresh();
      const { t, blocks } = await threeBlocks();
      const r = await store.apply({ expectedHead: GENESIS, blocks });
      expect(r).toMatchObject({ outcome: "applied", reverted: 0 });
      expect(toHex(r.head.id)).toBe(toHex(blocks[2]!.block.id));
      expect((await store.progress()).head.height).toBe(3n);
      expect((await store.appliedBlocks(1n, 3n)).map((b) => toHex(b.id))).toEqual(blocks.map((b) => toHex(b.block.id)));

      const kinds = async (address: Uint8Array) => (await store.history({ address, limit: 100, ascending: true, irreversible: false })).map((e) => [e.seqNum, e.kind]);
      expect(await kinds(t.dev.accounts[0]!.address)).toEqual([[0n, "trx"], [1n, "trx"]]);
      expect(await kinds(t.dev.accounts[1]!.address)).toEqual([[0n, "trx"], [1n, "trx"]]);
      expect(await kinds(t.dev.accounts[2]!.address)).toEqual([[0n, "trx"], [1n, "trx"]]);
      expect(await kinds(t.dev.accounts[3]!.address)).toEqual([]);
      expect(await kinds(KOIN_ID)).toEqual([[0n, "trx"], [1n, "trx"], [2n, "trx"]]);
      expect(await kinds(t.dev.producerAddress)).toEqual([[0n, "block"], [1n, "block"], [2n, "block"]]);
      expect(r.entries).toBe(2 + 2 + 2 + 3 + 3);

      const [second] = await store.history({ address: KOIN_ID, seqNum: 1n, limit: 1, ascending: true, irreversible: false });
      const trx = account_history.TransactionRecord.decode(second!.record);
      expect(toHex(trx.transaction!.id)).toBe(toHex(blocks[1]!.block.transactions[0]!.id));
      expect(toHex(trx.receipt!.id)).toBe(toHex(blocks[1]!.block.transactions[0]!.id));
      const [block] = await store.history({ address: t.dev.producerAddress, seqNum: 2n, limit: 1, ascending: true, irreversible: false });
      const rec = account_history.BlockRecord.decode(block!.record);
      expect(rec.header!.height).toBe(3n);
      expect(toHex(rec.receipt!.id)).toBe(toHex(blocks[2]!.block.id));
    });

    test("a plan made against another head writes nothing", async () => {
      const { store, rows } = await target.fresh();
      const { blocks } = await threeBlocks();
      await store.apply({ expectedHead: GENESIS, blocks: blocks.slice(0, 1) });
      const before = await rows();
      const r = await store.apply({ expectedHead: GENESIS, blocks: blocks.slice(0, 1) });
      expect(r.outcome).toBe("conflict");
      expect(r.head.height).toBe(1n);
      expect(await rows()).toEqual(before);
    });

    test("blocks that do not extend the head are refused and nothing is written", async () => {
      const { store, rows } = await target.fresh();
      const { blocks } = await threeBlocks();
      const before = await rows();
      await expect(store.apply({ expectedHead: GENESIS, blocks: [blocks[0]!, blocks[2]!] })).rejects.toMatchObject({ code: "account_history.bad_block_source" });
      expect(await rows()).toEqual(before);
    });

    test("revertTo removes everything above the fork point; the new branch continues the seq_nums", async () => {
      const { store, rows } = await target.fresh();
      const { t, source, blocks, r1 } = await threeBlocks();
      await store.apply({ expectedHead: GENESIS, blocks });
      // Fork from block 1: account 3 receives, three blocks (longer, so it becomes head).
      const b2 = t.block([t.transfer(0, 3, 7n, 2n)], { parent: parentOf(blocks[0]!.block, r1), timestamp: blocks[0]!.block.header!.timestamp + 500n });
      const rb2 = (await t.chain.submitBlock(b2))!;
      const b3 = t.block([], { parent: parentOf(b2, rb2) });
      const rb3 = (await t.chain.submitBlock(b3))!;
      const b4 = t.block([], { parent: parentOf(b3, rb3) });
      await t.chain.submitBlock(b4);
      expect(toHex(t.chain.head.id)).toBe(toHex(b4.id));
      const branch = await source.blocksWithReceiptsByHeight(b4.id, 2n, 10);

      const r = await store.apply({ expectedHead: ref(blocks[2]!), revertTo: ref(blocks[0]!), blocks: branch });
      expect(r).toMatchObject({ outcome: "applied", reverted: 2 });
      expect((await store.progress()).head).toEqual({ id: b4.id, height: 4n });
      const seqs = async (address: Uint8Array) => (await store.history({ address, limit: 100, ascending: true, irreversible: false })).map((e) => e.seqNum);
      expect(await seqs(t.dev.accounts[1]!.address)).toEqual([0n]);
      expect(await seqs(t.dev.accounts[2]!.address)).toEqual([]);
      expect(await seqs(t.dev.accounts[3]!.address)).toEqual([0n]);
      expect(await seqs(t.dev.accounts[0]!.address)).toEqual([0n, 1n]);
      expect(await seqs(KOIN_ID)).toEqual([0n, 1n]);
      expect(await seqs(t.dev.producerAddress)).toEqual([0n, 1n, 2n, 3n]);
      const dump = await rows();
      expect(dump.blocks.map((b) => b.id)).toEqual([blocks[0]!.block.id, b2.id, b3.id, b4.id].map(toHex));
      expect(new Set(dump.records.map((x) => x.blockId))).toEqual(new Set([blocks[0]!.block.id, b2.id, b3.id, b4.id].map(toHex)));
    });

    test("history: ascending, descending, seq_num start, limit, irreversible, missing start", async () => {
      const { store } = await target.fresh();
      const { t, blocks } = await threeBlocks();
      await store.apply({ expectedHead: GENESIS, blocks });
      const producer = t.dev.producerAddress;
      const q = async (o: { seqNum?: bigint; limit?: number; ascending?: boolean; irreversible?: boolean }) =>
        (await store.history({ address: producer, limit: o.limit ?? 100, ascending: o.ascending ?? true, irreversible: o.irreversible ?? false, seqNum: o.seqNum })).map((e) => e.seqNum);
      expect(await q({})).toEqual([0n, 1n, 2n]);
      expect(await q({ ascending: false })).toEqual([2n, 1n, 0n]);
      expect(await q({ seqNum: 1n })).toEqual([1n, 2n]);
      expect(await q({ seqNum: 1n, ascending: false })).toEqual([1n, 0n]);
      expect(await q({ seqNum: 0n, ascending: false })).toEqual([0n]);
      expect(await q({ limit: 2 })).toEqual([0n, 1n]);
      expect(await q({ limit: 2, ascending: false })).toEqual([2n, 1n]);
      expect(await q({ limit: 0 })).toEqual([]);
      expect(await q({ seqNum: 3n })).toEqual([]);
      expect(await q({ seqNum: 9n, ascending: false })).toEqual([]);
      expect(await q({ irreversible: true })).toEqual([]);
      await store.setLib(2n);
      expect(await q({ irreversible: true })).toEqual([0n, 1n]);
      expect(await q({ irreversible: true, ascending: false })).toEqual([1n, 0n]);
      expect(await q({ irreversible: true, ascending: false, seqNum: 2n })).toEqual([]);
      expect(await q({ irreversible: true, seqNum: 1n })).toEqual([1n]);
    });

    test("the LIB only rises; reset drops every row and keeps it", async () => {
      const { store, rows } = await target.fresh();
      await store.setLib(5n);
      await store.setLib(3n);
      expect((await store.progress()).lib).toBe(5n);
      const { blocks } = await threeBlocks();
      await store.apply({ expectedHead: GENESIS, blocks });
      await store.reset();
      expect(await rows()).toEqual({ blocks: [], records: [], entries: [], progress: [{ headId: toHex(ZERO_ID), headHeight: "0", libHeight: "5" }] });
      expect((await store.apply({ expectedHead: GENESIS, blocks })).outcome).toBe("applied");
    });

    test("two writers racing to apply the same block: exactly one applies it", async () => {
      const { store, rows, secondWriter } = await target.fresh();
      const other = await secondWriter();
      try {
        const store2 = other.store;
        const { blocks } = await threeBlocks();
        const results = await Promise.all([store.apply({ expectedHead: GENESIS, blocks: blocks.slice(0, 2) }), store2.apply({ expectedHead: GENESIS, blocks: blocks.slice(0, 2) })]);
        expect(results.map((r) => r.outcome).sort()).toEqual(["applied", "conflict"]);
        const dump = await rows();
        expect(dump.blocks).toHaveLength(2);
        expect(new Set(dump.entries.map((e) => `${e.address}/${e.seqNum}`)).size).toBe(dump.entries.length);
      } finally {
        await other.close();
      }
    });
  });
}
