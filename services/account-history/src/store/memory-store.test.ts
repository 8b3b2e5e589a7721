/**
 * `MemoryAccountHistoryStore` beyond the contract suite: the rows it stands for are the rows the
 * Drizzle store writes for the same plans (PGlite; small chunks, so records cross sealed ones and
 * the fork revert reopens one), and a dump → `fromDump` round trip (through
 * `structuredClone`, as a snapshot or a snapshot file carries it) keeps every row and every answer.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { openTestDatabase, testDatabaseUrls, type TestDatabase } from "@cairn/db/testing";
import { ZERO_ID } from "@cairn/protocol";
import type { BlockWithReceipt } from "@cairn/block-store/client";
import { createSourcedChain, dumpReadModel, parentOf, readModelOfDump } from "../testing/index.ts";
import { DrizzleAccountHistoryStore } from "./drizzle-store.ts";
import { MemoryAccountHistoryStore } from "./memory-store.ts";
import { MIGRATIONS_FOLDER } from "./migrations.ts";
import type { AccountHistoryStore, ApplyPlan } from "./store.ts";

const GENESIS = { id: ZERO_ID, height: 0n };
const opened: TestDatabase[] = [];
afterAll(async () => {
  for (const db of opened) await db.dispose();
});

/** Plans over a chain of four blocks, then a fork from block 2 that becomes the head (a revert of two). */
async function plans(): Promise<ApplyPlan[]> {
  const { t, source } = await createSourcedChain();
  await t.produce([t.transfer(0, 1, 100n, 1n)]);
  const r2 = await t.produce([t.transfer(0, 2, 5n, 2n), t.transfer(1, 2, 3n, 1n)]);
  await t.produce([t.transfer(2, 3, 1n, 1n)]);
  await t.produce();
  const main = (await source.blocksWithReceiptsByHeight(t.chain.head.id, 1n, 10)) as BlockWithReceipt[];
  const ref = (b: BlockWithReceipt) => ({ id: b.block.id, height: b.block.header!.height });
  const b2 = main[1]!.block;
  const f3 = t.block([t.transfer(1, 3, 9n, 2n)], { parent: parentOf(b2, r2), timestamp: b2.header!.timestamp + 700n });
  let receipt = (await t.chain.submitBlock(f3))!;
  let parent = f3;
  for (let i = 0; i < 3; i++) {
    const next = t.block([], { parent: parentOf(parent, receipt) });
    receipt = (await t.chain.submitBlock(next))!;
    parent = next;
  }
  const fork = await source.blocksWithReceiptsByHeight(parent.id, 3n, 10);
  return [
    { expectedHead: GENESIS, blocks: main.slice(0, 3) },
    { expectedHead: ref(main[2]!), blocks: main.slice(3) },
    { expectedHead: ref(main[3]!), revertTo: ref(main[1]!), blocks: fork },
  ];
}

async function applyAll(store: AccountHistoryStore, all: ApplyPlan[]): Promise<void> {
  for (const p of all) expect((await store.apply(p)).outcome).toBe("applied");
  await store.setLib(3n);
}

describe("MemoryAccountHistoryStore", () => {
  test("stands for the rows the Drizzle store writes for the same plans", async () => {
    const target = (await testDatabaseUrls()).find((t) => t.kind === "pglite") ?? (await testDatabaseUrls())[0]!;
    const db = await openTestDatabase(target.url, { migrationsFolder: MIGRATIONS_FOLDER });
    opened.push(db);
    const all = await plans();
    const memory = new MemoryAccountHistoryStore({ chunkBytes: 300 });
    await applyAll(memory, all);
    await applyAll(new DrizzleAccountHistoryStore(db.db), all);
    expect(readModelOfDump(memory.dump())).toEqual(await dumpReadModel(db.db));
  }, 60_000);

  test("fromDump(structuredClone(dump())) keeps every row and answers alike", async () => {
    const all = await plans();
    const store = new MemoryAccountHistoryStore({ chunkBytes: 300 });
    await applyAll(store, all.slice(0, 2));
    const copy = MemoryAccountHistoryStore.fromDump(structuredClone(store.dump()), { chunkBytes: 1000 });
    expect(readModelOfDump(copy.dump())).toEqual(readModelOfDump(store.dump()));
    expect(await copy.progress()).toEqual(await store.progress());
    // Both go on alike (the fork revert included).
    for (const s of [store, copy]) expect((await s.apply(all[2]!)).outcome).toBe("applied");
    expect(readModelOfDump(copy.dump())).toEqual(readModelOfDump(store.dump()));
    const address = all[0]!.blocks[0]!.block.header!.signer;
    const q = { address, limit: 10, ascending: false, irreversible: true };
    expect(await copy.history(q)).toEqual(await store.history(q));
    expect((await copy.history(q)).length).toBeGreaterThan(0);
  });

  test("a dump kept in memory is untouched by what the store does after it (a fork revert reopening a sealed chunk included)", async () => {
    const all = await plans();
    const store = new MemoryAccountHistoryStore({ chunkBytes: 300 });
    await applyAll(store, all.slice(0, 2));
    const dump = store.dump();
    const then = readModelOfDump(structuredClone(dump));
    expect((await store.apply(all[2]!)).outcome).toBe("applied");
    expect(readModelOfDump(store.dump())).not.toEqual(then);
    const restored = MemoryAccountHistoryStore.fromDump(dump, { chunkBytes: 300 });
    expect(readModelOfDump(restored.dump())).toEqual(then);
    // Restored twice: the first copy's revert and growth do not reach the second.
    expect((await restored.apply(all[2]!)).outcome).toBe("applied");
    expect(readModelOfDump(MemoryAccountHistoryStore.fromDump(dump).dump())).toEqual(then);
  });

  test("a first-version dump (records in one decompressed buffer, as older snapshot files hold) is still read", async () => {
    const all = await plans();
    const store = new MemoryAccountHistoryStore({ chunkBytes: 300 });
    await applyAll(store, all);
    const rows = readModelOfDump(store.dump());
    const fromHex = (hex: string) => new Uint8Array(Buffer.from(hex, "hex"));
    const bytes = rows.records.map((r) => fromHex(r.record));
    const numberOf = new Map(rows.records.map((r, n) => [`${r.height}/${r.position}`, n]));
    const entries = new Map<string, number[]>();
    for (const e of rows.entries) entries.set(e.address, [...(entries.get(e.address) ?? []), numberOf.get(`${e.height}/${e.position}`)!]);
    const v1 = {
      version: 1 as const,
      head: { id: fromHex(rows.progress[0]!.headId), height: BigInt(rows.progress[0]!.headHeight) },
      lib: BigInt(rows.progress[0]!.libHeight),
      blocks: rows.blocks.map((b) => fromHex(b.id)),
      recordBytes: new Uint8Array(Buffer.concat(bytes)),
      recordLengths: bytes.map((b) => b.length),
      recordKinds: rows.records.map((r) => (r.kind === "block" ? 0 : 1)),
      recordHeights: rows.records.map((r) => Number(r.height)),
      recordPositions: rows.records.map((r) => r.position),
      entries: [...entries].map(([address, records]) => ({ address: fromHex(address), records })),
    };
    const copy = MemoryAccountHistoryStore.fromDump(structuredClone(v1));
    expect(readModelOfDump(copy.dump())).toEqual(rows);
    const q = { address: all[0]!.blocks[0]!.block.header!.signer, limit: 10, ascending: true, irreversible: false };
    expect(await copy.history(q)).toEqual(await store.history(q));
  });

  test("an empty store round-trips", async () => {
    const copy = MemoryAccountHistoryStore.fromDump(structuredClone(new MemoryAccountHistoryStore().dump()));
    expect(await copy.progress()).toEqual({ head: GENESIS, lib: 0n });
    expect(copy.dump()).toEqual(new MemoryAccountHistoryStore().dump());
  });
});

describe("MemoryAccountHistoryStore chunk cache", () => {
  /** Every address's whole history, newest first, in pages of 2 (reads cross sealed chunks), and every row. */
  async function everything(s: MemoryAccountHistoryStore): Promise<unknown> {
    const rows = readModelOfDump(s.dump());
    const addresses = [...new Set(rows.entries.map((e) => e.address))].map((hex) => Buffer.from(hex, "hex"));
    const pages = [];
    for (const address of addresses) {
      for (let seq = 0n; ; seq += 2n) {
        const page = await s.history({ address, seqNum: seq, limit: 2, ascending: true, irreversible: false });
        pages.push(page);
        if (page.length < 2) break;
      }
      pages.push(await s.history({ address, limit: 50, ascending: false, irreversible: true }));
    }
    return { rows, pages };
  }

  test("answers alike with no cache, a small one and a large one, within its budget, across a fork revert", async () => {
    const all = await plans();
    const stores = [0, 700, 1 << 20].map((chunkCacheBytes) => new MemoryAccountHistoryStore({ chunkBytes: 300, chunkCacheBytes }));
    for (const [i, plan] of all.entries()) {
      for (const s of stores) expect((await s.apply(plan)).outcome).toBe("applied");
      // Before the revert: read everything, so the caches hold chunks the revert reopens or drops.
      if (i === 1) for (const s of stores) await everything(s);
    }
    const answers = [];
    for (const s of stores) {
      await s.setLib(3n);
      // Twice: the second pass comes from the cache and must answer the same.
      answers.push(await everything(s), await everything(s));
    }
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0]!);
    // No cache keeps the last chunk read; 700 bytes keeps what fits (or the one last read).
    expect(stores[0]!.chunkCacheSize().chunks).toBe(1);
    const small = stores[1]!.chunkCacheSize();
    expect(small.bytes <= 700 || small.chunks === 1).toBe(true);
    expect(stores[2]!.chunkCacheSize().chunks).toBeGreaterThan(small.chunks);
  });
});
