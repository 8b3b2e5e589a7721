/**
 * The account history migrations over a store holding data written before them: the rows stay as
 * they were, history pages read the same, the primary key of `entries` carries its INCLUDE columns
 * and the unused block-id index is gone. PGlite (memory) and Postgres when reachable (always under
 * CI=true).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { executeRows, runMigrations } from "@cairn/db";
import { openTestDatabase, testDatabaseUrls, type TestDatabase } from "@cairn/db/testing";
import { ZERO_ID } from "@cairn/protocol";
import type { BlockWithReceipt } from "@cairn/block-store/client";
import { createSourcedChain, dumpReadModel } from "../testing/index.ts";
import { DrizzleAccountHistoryStore } from "./drizzle-store.ts";
import { MIGRATIONS_FOLDER } from "./migrations.ts";

const TIMEOUT_MS = 60_000;

for (const target of await testDatabaseUrls()) {
  describe(`account history migrations: ${target.name}`, () => {
    let db: TestDatabase | undefined;
    let folder: string | undefined;
    afterEach(async () => {
      await db?.dispose();
      db = undefined;
      if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
      folder = undefined;
    });

    test("entries written under the first migration read the same after the later ones", async () => {
      folder = mkdtempSync(join(tmpdir(), "cairn-account-history-migrations-"));
      cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
      const journal = JSON.parse(await Bun.file(join(folder, "meta/_journal.json")).text()) as { entries: { tag: string }[] };
      writeFileSync(join(folder, "meta/_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
      db = await openTestDatabase(target.url, { migrationsFolder: folder });
      const store = new DrizzleAccountHistoryStore(db.db);
      const { t, source } = await createSourcedChain();
      for (let i = 0; i < 4; i++) await t.produce([t.transfer(0, 1, 10n + BigInt(i), BigInt(i + 1))]);
      const blocks = (await source.blocksWithReceiptsByHeight(t.chain.head.id, 1n, 10)) as BlockWithReceipt[];
      expect((await store.apply({ expectedHead: { id: ZERO_ID, height: 0n }, blocks })).outcome).toBe("applied");
      const address = t.dev.accounts[0]!.address;
      const page = () => store.history({ address, seqNum: 3n, limit: 3, ascending: false, irreversible: false });
      const rowsBefore = await dumpReadModel(db.db);
      const pageBefore = await page();
      expect(pageBefore.map((e) => e.seqNum)).toEqual([3n, 2n, 1n]);

      await runMigrations(db, MIGRATIONS_FOLDER);
      expect(await dumpReadModel(db.db)).toEqual(rowsBefore);
      expect(await page()).toEqual(pageBefore);
      const indexes = await executeRows<{ indexname: string; indexdef: string }>(db.db, sql`select indexname, indexdef from pg_indexes where schemaname = ${db.schemaName} and tablename = 'entries' order by indexname`);
      expect(indexes.map((i) => i.indexname)).toEqual(["entries_address_seq_num_pk", "entries_height_idx"]);
      expect(indexes[0]!.indexdef).toContain("INCLUDE (block_id, \"position\", height)");
      // Records are keyed by (height, position), which pages join on and reverts delete by.
      const recordIndexes = await executeRows<{ indexname: string }>(db.db, sql`select indexname from pg_indexes where schemaname = ${db.schemaName} and tablename = 'records' order by indexname`);
      expect(recordIndexes.map((i) => i.indexname)).toEqual(["records_height_position_pk"]);
      const all = () => store.history({ address, limit: 10, ascending: true, irreversible: false });
      const allBefore = await all();
      expect(allBefore.map((e) => e.seqNum)).toEqual([0n, 1n, 2n, 3n]);
      const at = (i: number) => ({ id: blocks[i]!.block.id, height: blocks[i]!.block.header!.height });
      expect((await store.apply({ expectedHead: at(blocks.length - 1), revertTo: at(1), blocks: [] })).reverted).toBe(blocks.length - 2);
      expect(await all()).toEqual(allBefore.slice(0, 2));
    }, TIMEOUT_MS);
  });
}
