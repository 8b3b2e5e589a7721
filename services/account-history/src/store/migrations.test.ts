/**
 * The account history migrations over a store holding rows written under the first one: afterwards
 * the read model and history pages are those of a store that applied the same blocks under today's
 * schema (entries carrying their records, no records table, a plain primary key). PGlite (memory) and Postgres when reachable (always under
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
import { blockHistory } from "../impacted.ts";
import { createSourcedChain, dumpReadModel } from "../testing/index.ts";
import { DrizzleAccountHistoryStore } from "./drizzle-store.ts";
import { MIGRATIONS_FOLDER } from "./migrations.ts";
import { buildRows } from "./rows.ts";

const TIMEOUT_MS = 60_000;

for (const target of await testDatabaseUrls()) {
  describe(`account history migrations: ${target.name}`, () => {
    let db: TestDatabase | undefined;
    let fresh: TestDatabase | undefined;
    let folder: string | undefined;
    afterEach(async () => {
      await db?.dispose();
      await fresh?.dispose();
      db = fresh = undefined;
      if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
      folder = undefined;
    });

    test("entries written under the first migration read the same after the later ones", async () => {
      folder = mkdtempSync(join(tmpdir(), "cairn-account-history-migrations-"));
      cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
      const journal = JSON.parse(await Bun.file(join(folder, "meta/_journal.json")).text()) as { entries: { tag: string }[] };
      writeFileSync(join(folder, "meta/_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
      db = await openTestDatabase(target.url, { migrationsFolder: folder });
      const { t, source } = await createSourcedChain();
      for (let i = 0; i < 4; i++) await t.produce([t.transfer(0, 1, 10n + BigInt(i), BigInt(i + 1))]);
      const blocks = (await source.blocksWithReceiptsByHeight(t.chain.head.id, 1n, 10)) as BlockWithReceipt[];
      // The rows as the store wrote them before entries carried their records: each record once in
      // `records`, entries pointing at it by (height, position).
      const rows = buildRows(blocks, blocks.map(blockHistory), new Map());
      const last = blocks.at(-1)!.block;
      await db.db.execute(sql`insert into blocks (height, id) values ${sql.join(rows.blocks.map((b) => sql`(${b.height}, ${b.id})`), sql`, `)}`);
      const records = new Map(rows.entries.map((e) => [`${e.height}/${e.position}`, e]));
      await db.db.execute(sql`insert into records (block_id, position, height, kind, record) values ${sql.join([...records.values()].map((r) => sql`(${r.blockId}, ${r.position}, ${r.height}, ${r.kind}, ${r.record})`), sql`, `)}`);
      await db.db.execute(sql`insert into entries (address, seq_num, block_id, position, height) values ${sql.join(rows.entries.map((e) => sql`(${e.address}, ${e.seqNum}, ${e.blockId}, ${e.position}, ${e.height})`), sql`, `)}`);
      await db.db.execute(sql`insert into progress (id, head_id, head_height, lib_height) values (1, ${last.id}, ${last.header!.height}, 0)`);

      await runMigrations(db, MIGRATIONS_FOLDER);
      // The same as a store of today's schema that applied the same blocks.
      fresh = await openTestDatabase(target.url, { migrationsFolder: MIGRATIONS_FOLDER });
      const expected = new DrizzleAccountHistoryStore(fresh.db);
      expect((await expected.apply({ expectedHead: { id: ZERO_ID, height: 0n }, blocks })).outcome).toBe("applied");
      expect(await dumpReadModel(db.db)).toEqual(await dumpReadModel(fresh.db));
      const store = new DrizzleAccountHistoryStore(db.db);
      const address = t.dev.accounts[0]!.address;
      const page = (s: DrizzleAccountHistoryStore) => s.history({ address, seqNum: 3n, limit: 3, ascending: false, irreversible: false });
      expect((await page(store)).map((e) => e.seqNum)).toEqual([3n, 2n, 1n]);
      expect(await page(store)).toEqual(await page(expected));

      // Entries carry their records: the records table is gone, the key has no INCLUDE columns left.
      const tables = await executeRows<{ tablename: string }>(db.db, sql`select tablename from pg_tables where schemaname = ${db.schemaName} order by tablename`);
      expect(tables.map((x) => x.tablename)).not.toContain("records");
      const indexes = await executeRows<{ indexname: string; indexdef: string }>(db.db, sql`select indexname, indexdef from pg_indexes where schemaname = ${db.schemaName} and tablename = 'entries' order by indexname`);
      expect(indexes.map((i) => i.indexname)).toEqual(["entries_address_seq_num_pk", "entries_height_idx"]);
      expect(indexes[0]!.indexdef).not.toContain("INCLUDE");
      const all = () => store.history({ address, limit: 10, ascending: true, irreversible: false });
      const allBefore = await all();
      expect(allBefore.map((e) => e.seqNum)).toEqual([0n, 1n, 2n, 3n]);
      const at = (i: number) => ({ id: blocks[i]!.block.id, height: blocks[i]!.block.header!.height });
      expect((await store.apply({ expectedHead: at(blocks.length - 1), revertTo: at(1), blocks: [] })).reverted).toBe(blocks.length - 2);
      expect(await all()).toEqual(allBefore.slice(0, 2));
    }, TIMEOUT_MS);
  });
}
