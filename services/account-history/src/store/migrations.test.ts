/**
 * The account history migrations over a store holding data written before them: the rows stay as
 * they were, history pages read the same, the primary key of `entries` carries its INCLUDE columns,
 * the unused block-id index and the block id columns are gone. PGlite (memory) and Postgres when reachable (always under
 * CI=true).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { toHex } from "@cairn/core";
import { type CairnDb, executeRows, runMigrations } from "@cairn/db";
import { openTestDatabase, testDatabaseUrls, type TestDatabase } from "@cairn/db/testing";
import type { BlockWithReceipt } from "@cairn/block-store/client";
import { createSourcedChain, dumpReadModel } from "../testing/index.ts";
import { blockHistory } from "../impacted.ts";
import { DrizzleAccountHistoryStore } from "./drizzle-store.ts";
import { MIGRATIONS_FOLDER } from "./migrations.ts";
import { buildRows } from "./rows.ts";

const TIMEOUT_MS = 60_000;

/**
 * The rows `apply` wrote for `blocks` under the first migration, block ids in records and entries
 * included (the store no longer writes that shape: migration 0004 dropped the columns).
 */
async function writeFirstMigrationRows(db: CairnDb, blocks: BlockWithReceipt[]): Promise<void> {
  const rows = buildRows(blocks, blocks.map(blockHistory), new Map());
  const bytes = (b: Uint8Array) => sql`decode(${toHex(b)}, 'hex')`;
  const idAt = new Map(rows.blocks.map((b) => [b.height, b.id]));
  for (const b of rows.blocks) await db.execute(sql`insert into blocks (height, id) values (${b.height}, ${bytes(b.id)})`);
  for (const r of rows.records) {
    await db.execute(sql`insert into records (block_id, position, height, kind, record) values (${bytes(idAt.get(r.height)!)}, ${r.position}, ${r.height}, ${r.kind}, ${bytes(r.record)})`);
  }
  for (const e of rows.entries) {
    await db.execute(sql`insert into entries (address, seq_num, block_id, position, height) values (${bytes(e.address)}, ${e.seqNum}, ${bytes(idAt.get(e.height)!)}, ${e.position}, ${e.height})`);
  }
  const head = rows.blocks.at(-1)!;
  await db.execute(sql`insert into progress (id, head_id, head_height, lib_height) values (1, ${bytes(head.id)}, ${head.height}, 0)`);
}

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
      await writeFirstMigrationRows(db.db, blocks);
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
      expect(indexes[0]!.indexdef).toContain("INCLUDE (\"position\", height)");
      // No block id column left in entries or records (0004): `blocks` has it for the height.
      const columns = await executeRows<{ table_name: string; column_name: string }>(db.db, sql`select table_name, column_name from information_schema.columns where table_schema = ${db.schemaName} and table_name in ('entries', 'records') order by table_name, ordinal_position`);
      expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual(["entries.address", "entries.seq_num", "entries.position", "entries.height", "records.position", "records.height", "records.kind", "records.record"]);
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
