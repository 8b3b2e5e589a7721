/**
 * `main_chain` in `DrizzleBlockStore`: it follows the highest committed block across fork switches
 * (by `storeBlock` and by `storeBlocks`), ignores uncommitted blocks, drops heights below a missing
 * ancestor, and the migration that creates it fills it for blocks stored before it existed. Runs on
 * PGlite and on Postgres when reachable (always under CI=true).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asc, sql } from "drizzle-orm";
import { toHex } from "@cairn/core";
import { runMigrations } from "@cairn/db";
import { openTestDatabase, testDatabaseUrls, type TestDatabase } from "@cairn/db/testing";
import { protocol } from "@cairn/proto";
import { fixture, heightOf, makeBlock, makeChain, makeReceipt } from "../testing/fixtures.ts";
import { DrizzleBlockStore } from "./drizzle-store.ts";
import { MIGRATIONS_FOLDER } from "./migrations.ts";
import { mainChain } from "./schema.ts";
import type { Topology } from "./store.ts";

const TIMEOUT_MS = 30_000;
const topo = (b: protocol.Block): Topology => ({ id: b.id, height: heightOf(b), previous: b.header!.previous });
const idsOf = (blocks: readonly { id: Uint8Array }[]) => blocks.map((b) => toHex(b.id));

/** The main_chain rows as [height, id hex], ascending. */
async function rowsOf(db: TestDatabase): Promise<[bigint, string][]> {
  const rows = await db.db.select().from(mainChain).orderBy(asc(mainChain.height));
  return rows.map((r) => [r.height, toHex(r.blockId)]);
}
const expected = (blocks: readonly protocol.Block[]) => blocks.map((b): [bigint, string] => [heightOf(b), toHex(b.id)]);

for (const target of await testDatabaseUrls()) {
  describe(`main_chain: ${target.name}`, () => {
    let db: TestDatabase | undefined;
    let folder: string | undefined;
    afterEach(async () => {
      await db?.dispose();
      db = undefined;
      if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
      folder = undefined;
    });

    test("follows the head across a fork switch, one block at a time", async () => {
      db = await openTestDatabase(target.url, { migrationsFolder: MIGRATIONS_FOLDER });
      const store = new DrizzleBlockStore(db.db);
      const cold = new DrizzleBlockStore(db.db, { topologyCacheSize: 0 });
      const { main, fork } = fixture();
      for (const b of main) await store.storeBlock(b, makeReceipt(b));
      expect(await rowsOf(db)).toEqual(expected(main));
      // 3′…5′ are below or at the head's height: the head (5, stored first) stays.
      for (const b of fork.slice(0, 3)) await store.storeBlock(b, makeReceipt(b));
      expect(await rowsOf(db)).toEqual(expected(main));
      // 6′ is higher: the heights above the common ancestor (2) switch to the fork.
      await store.storeBlock(fork[3]!, makeReceipt(fork[3]!));
      expect(await rowsOf(db)).toEqual(expected([main[0]!, main[1]!, ...fork]));
      for (const s of [store, cold]) {
        const onFork = await s.getAncestors(topo(fork[3]!), 1n, 6n, { block: true, receipt: true });
        expect(idsOf(onFork)).toEqual(idsOf([main[0]!, main[1]!, ...fork]));
        expect(onFork.every((r) => r.block !== undefined && r.receipt !== undefined)).toBe(true);
        // The old branch is off the main chain now; walks from its head still follow its links.
        expect(idsOf(await s.getAncestors(topo(main[4]!), 2n, 9n, { block: false, receipt: false }))).toEqual(idsOf(main.slice(1)));
      }
      // An uncommitted block above the head changes nothing until it is committed.
      const f7 = makeBlock(fork[3]!, [], 1n);
      await store.storeBlock(f7, undefined, false);
      expect(await rowsOf(db)).toEqual(expected([main[0]!, main[1]!, ...fork]));
      expect(idsOf(await cold.getAncestors(topo(f7), 6n, 7n, { block: false, receipt: false }))).toEqual(idsOf([fork[3]!, f7]));
      await store.storeBlock(f7);
      expect(await rowsOf(db)).toEqual(expected([main[0]!, main[1]!, ...fork, f7]));
    }, TIMEOUT_MS);

    test("follows the head across a fork switch stored with storeBlocks", async () => {
      db = await openTestDatabase(target.url, { migrationsFolder: MIGRATIONS_FOLDER });
      const store = new DrizzleBlockStore(db.db);
      const { main, fork } = fixture();
      await store.storeBlocks(main.map((block) => ({ block })));
      expect(await rowsOf(db)).toEqual(expected(main));
      await store.storeBlocks(fork.map((block) => ({ block })));
      expect(await rowsOf(db)).toEqual(expected([main[0]!, main[1]!, ...fork]));
      await store.reset();
      expect(await rowsOf(db)).toEqual([]);
    }, TIMEOUT_MS);

    test("a head above a missing ancestor leaves no rows below the gap, until the gap is filled", async () => {
      db = await openTestDatabase(target.url, { migrationsFolder: MIGRATIONS_FOLDER });
      const store = new DrizzleBlockStore(db.db);
      const chain = makeChain(undefined, 10, 7n);
      for (const b of chain.slice(0, 5)) await store.storeBlock(b);
      // 6 is missing: 7…10 reach the head, and heights 1…5 can no longer be vouched for.
      for (const b of chain.slice(6)) await store.storeBlock(b);
      expect(await rowsOf(db)).toEqual(expected(chain.slice(6)));
      expect(idsOf(await store.getAncestors(topo(chain[9]!), 1n, 10n, { block: false, receipt: false }))).toEqual(idsOf(chain.slice(6)));
      // The missing block arrives; the next head walks down through it again.
      await store.storeBlock(chain[5]!);
      const b11 = makeBlock(chain[9]!, [], 7n);
      await store.storeBlock(b11);
      expect(await rowsOf(db)).toEqual(expected([...chain, b11]));
    }, TIMEOUT_MS);

    test("the migration fills main_chain for blocks stored before it", async () => {
      // The migrations before main_chain: the first two of the journal.
      folder = mkdtempSync(join(tmpdir(), "cairn-block-store-migrations-"));
      const dir = folder;
      cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
      const journal = JSON.parse(await Bun.file(join(dir, "meta/_journal.json")).text()) as { entries: { tag: string }[] };
      const before = journal.entries.filter((e) => e.tag < "0002");
      expect(before.map((e) => e.tag)).toEqual(["0000_init", "0001_committed"]);
      writeFileSync(join(dir, "meta/_journal.json"), JSON.stringify({ ...journal, entries: before }));
      db = await openTestDatabase(target.url, { migrationsFolder: dir });
      const { main, fork } = fixture();
      // Rows as the store wrote them then: main 1…5 and fork 3′…6′ committed, an uncommitted 7′.
      const f7 = makeBlock(fork[3]!, [], 1n);
      const committed = [...main, ...fork].map((b) => ({ b, committed: true }));
      for (const { b, committed: c } of [...committed, { b: f7, committed: false }]) {
        await db.db.execute(
          sql`insert into blocks (id, height, previous, block, committed) values (${b.id}, ${String(heightOf(b))}::bigint, ${b.header!.previous}, ${protocol.Block.encode(b).finish()}, ${c})`,
        );
      }
      await runMigrations(db, MIGRATIONS_FOLDER);
      expect(await rowsOf(db)).toEqual(expected([main[0]!, main[1]!, ...fork]));
      const store = new DrizzleBlockStore(db.db, { topologyCacheSize: 0 });
      expect(idsOf(await store.getAncestors(topo(fork[3]!), 1n, 6n, { block: true, receipt: false }))).toEqual(idsOf([main[0]!, main[1]!, ...fork]));
      await store.storeBlock(f7);
      expect(await rowsOf(db)).toEqual(expected([main[0]!, main[1]!, ...fork, f7]));
    }, TIMEOUT_MS);
  });
}
