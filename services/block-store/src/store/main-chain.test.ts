/**
 * The Postgres block store's `main_chain` table (PGlite in memory always, Postgres when reachable):
 * it follows the highest committed block across fork switches, whether the blocks come one by one
 * (`storeBlock`) or in batches (`storeBlocks`); reads by height from its head and from a head off
 * the main chain give the same answers as the walk; and the migration fills it for blocks stored
 * before it existed.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { toHex } from "@cairn/core";
import { executeRows, runMigrations } from "@cairn/db";
import { openTestDatabase, testDatabaseUrls, type TestDatabase } from "@cairn/db/testing";
import { protocol } from "@cairn/proto";
import { fixture, heightOf, makeBlock, makeReceipt } from "../testing/fixtures.ts";
import { DrizzleBlockStore } from "./drizzle-store.ts";
import { MIGRATIONS_FOLDER } from "./migrations.ts";
import type { Topology } from "./store.ts";

const TIMEOUT_MS = 30_000;
const topo = (b: protocol.Block): Topology => ({ id: b.id, height: heightOf(b), previous: b.header!.previous });
const hex = (blocks: readonly { id: Uint8Array }[]) => blocks.map((b) => toHex(b.id));

/** `main_chain` as hex ids in height order, with its heights checked to be one contiguous run. */
async function mainChainOf(db: TestDatabase): Promise<string[]> {
  const rows = await executeRows<{ height: unknown; block_id: unknown }>(db.db, sql`select height::text as height, block_id from main_chain order by height`);
  const heights = rows.map((r) => Number(r.height));
  for (let i = 1; i < heights.length; i++) expect(heights[i]).toBe(heights[0]! + i);
  return rows.map((r) => toHex(r.block_id instanceof Uint8Array ? r.block_id : new Uint8Array(r.block_id as ArrayBuffer)));
}

for (const target of await testDatabaseUrls()) {
  describe(`main_chain: ${target.name}`, () => {
    let db: TestDatabase | undefined;
    afterEach(async () => {
      await db?.dispose();
      db = undefined;
    });
    const open = async (migrationsFolder = MIGRATIONS_FOLDER) => {
      db = await openTestDatabase(target.url, { migrationsFolder });
      return db;
    };

    for (const mode of ["storeBlock", "storeBlocks"] as const) {
      test(`follows the highest committed block across a fork switch (${mode})`, async () => {
        const { main, fork } = fixture();
        const handle = await open();
        const store = new DrizzleBlockStore(handle.db);
        const put = async (blocks: protocol.Block[]) => {
          if (mode === "storeBlocks") await store.storeBlocks(blocks.map((block) => ({ block, receipt: makeReceipt(block) })));
          else for (const b of blocks) await store.storeBlock(b, makeReceipt(b));
        };
        await put(main);
        expect(await mainChainOf(handle)).toEqual(hex(main));
        // 3′..5′: height 5 ties with main block 5, which was stored first: no switch.
        await put(fork.slice(0, 3));
        expect(await mainChainOf(handle)).toEqual(hex(main));
        // 6′ is higher: the heights above the common ancestor (2) are rewritten.
        await put(fork.slice(3));
        const forkPath = [...main.slice(0, 2), ...fork];
        expect(await mainChainOf(handle)).toEqual(hex(forkPath));
        // From the new head (main_chain) and from the old one (a walk), warm and cold.
        for (const reader of [store, new DrizzleBlockStore(handle.db, { topologyCacheSize: 0 })]) {
          const onMain = await reader.getAncestors(topo(fork[3]!), 1n, 6n, { block: true, receipt: true });
          expect(hex(onMain)).toEqual(hex(forkPath));
          expect(onMain.every((r) => r.block !== undefined && r.receipt !== undefined)).toBe(true);
          expect(hex(await reader.getAncestors(topo(fork[3]!), 3n, 4n, { block: false, receipt: false }))).toEqual(hex(fork.slice(0, 2)));
          expect(hex(await reader.getAncestors(topo(main[4]!), 1n, 5n, { block: true, receipt: false }))).toEqual(hex(main));
          expect(hex(await reader.getAncestors(topo(main[3]!), 2n, 9n, { block: false, receipt: false }))).toEqual(hex(main.slice(1, 4)));
        }
        // A block on the old fork, higher still, switches back.
        const back = makeBlock(main[4]!, [], 2n);
        const higher = makeBlock(back, [], 2n);
        await put([back, higher]);
        expect(await mainChainOf(handle)).toEqual(hex([...main, back, higher]));
        await store.reset();
        expect(await mainChainOf(handle)).toEqual([]);
      }, TIMEOUT_MS);
    }

    test("uncommitted blocks leave it alone until they are committed", async () => {
      const { main, fork } = fixture();
      const handle = await open();
      const store = new DrizzleBlockStore(handle.db);
      await store.storeBlocks(main.map((block) => ({ block })));
      await store.storeBlocks(fork.map((block) => ({ block })), false);
      expect(await mainChainOf(handle)).toEqual(hex(main));
      // Committing the tip (stored already) commits its ancestors and switches.
      expect(await store.storeBlock(fork[3]!)).toBe(false);
      expect(await mainChainOf(handle)).toEqual(hex([...main.slice(0, 2), ...fork]));
    }, TIMEOUT_MS);

    test("a gap in the head's ancestry: only the part above it, and reads fall back to the walk", async () => {
      const { main } = fixture();
      const handle = await open();
      const store = new DrizzleBlockStore(handle.db);
      for (const b of main.slice(0, 3)) await store.storeBlock(b);
      await store.storeBlock(main[4]!); // parent 4 missing
      expect(await mainChainOf(handle)).toEqual(hex([main[4]!]));
      expect(hex(await store.getAncestors(topo(main[4]!), 1n, 5n, { block: false, receipt: false }))).toEqual(hex([main[4]!]));
      await store.storeBlock(main[3]!);
      const cold = new DrizzleBlockStore(handle.db, { topologyCacheSize: 0 });
      expect(hex(await cold.getAncestors(topo(main[4]!), 1n, 5n, { block: true, receipt: false }))).toEqual(hex(main));
    }, TIMEOUT_MS);

    test("the migration fills it for blocks stored before it existed", async () => {
      const { main, fork } = fixture();
      // The migrations up to the one before main_chain, in a folder of their own.
      const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
      const before = journal.entries.findIndex((e) => e.tag.endsWith("_main_chain"));
      expect(before).toBeGreaterThan(0);
      const older = mkdtempSync(join(tmpdir(), "cairn-block-store-migrations-"));
      try {
        cpSync(MIGRATIONS_FOLDER, older, { recursive: true });
        writeFileSync(join(older, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, before) }));
        const handle = await open(older);
        // Rows as the store wrote them then: main 1..5 first, then the fork, 6′ uncommitted.
        const row = (b: protocol.Block, committed: boolean) =>
          sql`insert into blocks (id, height, previous, block, receipt, skip, committed) values (${b.id}, ${String(heightOf(b))}::bigint, ${b.header!.previous}, ${protocol.Block.encode(b).finish()}, ${protocol.BlockReceipt.encode(makeReceipt(b)).finish()}, null, ${committed})`;
        for (const b of main) await handle.db.execute(row(b, true));
        for (const b of fork.slice(0, 3)) await handle.db.execute(row(b, true));
        await handle.db.execute(row(fork[3]!, false));
        const report = await runMigrations(handle, MIGRATIONS_FOLDER);
        expect(report.applied.some((tag) => tag.endsWith("_main_chain_fill"))).toBe(true);
        // 6′ is not committed: the main chain ends at main block 5 (first stored of height 5).
        expect(await mainChainOf(handle)).toEqual(hex(main));
        const store = new DrizzleBlockStore(handle.db, { topologyCacheSize: 0 });
        expect(hex(await store.getAncestors(topo(main[4]!), 2n, 4n, { block: true, receipt: true }))).toEqual(hex(main.slice(1, 4)));
        // The store keeps it from there: committing 6′ switches to the fork.
        await store.storeBlock(fork[3]!);
        expect(await mainChainOf(handle)).toEqual(hex([...main.slice(0, 2), ...fork]));
      } finally {
        rmSync(older, { recursive: true, force: true });
      }
    }, TIMEOUT_MS);
  });
}
