/**
 * The account history migrations on a store written before them (PGlite in memory always,
 * Postgres when reachable): the entries' primary key gains its INCLUDE columns and the unused
 * block id index goes, the history reads the same, and the store keeps writing and reverting.
 */
import { describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { executeRows, runMigrations } from "@cairn/db";
import { openTestDatabase, testDatabaseUrls } from "@cairn/db/testing";
import { ZERO_ID } from "@cairn/protocol";
import { KOIN_ID } from "@cairn/chain/testing";
import type { BlockWithReceipt } from "@cairn/block-store/client";
import { createSourcedChain } from "../testing/index.ts";
import { DrizzleAccountHistoryStore } from "./drizzle-store.ts";
import { MIGRATIONS_FOLDER } from "./migrations.ts";

const GENESIS = { id: ZERO_ID, height: 0n };

/** The entries indexes: name → [key columns, all columns]. */
async function entryIndexes(db: Parameters<typeof executeRows>[0], schema: string): Promise<Record<string, [number, number]>> {
  const rows = await executeRows<{ name: string; keys: unknown; atts: unknown }>(
    db,
    sql`select c.relname as name, i.indnkeyatts as keys, i.indnatts as atts from pg_index i join pg_class c on c.oid = i.indexrelid
        where i.indrelid = (select t.oid from pg_class t join pg_namespace n on n.oid = t.relnamespace where n.nspname = ${schema} and t.relname = 'entries')`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, [Number(r.keys), Number(r.atts)]]));
}

for (const target of await testDatabaseUrls()) {
  describe(`account history migrations: ${target.name}`, () => {
    test("a store written before the covering primary key reads the same after it, and keeps going", async () => {
      const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
      const older = mkdtempSync(join(tmpdir(), "cairn-account-history-migrations-"));
      const db = await (async () => {
        cpSync(MIGRATIONS_FOLDER, older, { recursive: true });
        writeFileSync(join(older, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
        return openTestDatabase(target.url, { migrationsFolder: older });
      })();
      try {
        const c = await createSourcedChain();
        const { t } = c;
        await t.produce([t.transfer(0, 1, 100n, 1n)]);
        await t.produce([t.transfer(0, 2, 5n, 2n), t.transfer(1, 2, 3n, 1n)]);
        await t.produce([t.transfer(2, 0, 1n, 1n)]);
        const blocks = (await c.source.blocksWithReceiptsByHeight(t.chain.head.id, 1n, 10)) as BlockWithReceipt[];
        const store = new DrizzleAccountHistoryStore(db.db);
        await store.apply({ expectedHead: GENESIS, blocks: blocks.slice(0, 2) });
        expect(await entryIndexes(db.db, db.schemaName)).toEqual({ entries_address_seq_num_pk: [2, 2], entries_block_id_idx: [1, 1], entries_height_idx: [1, 1] });
        const page = (address: Uint8Array) => store.history({ address, limit: 100, ascending: false, irreversible: false });
        const before = [await page(KOIN_ID), await page(t.dev.accounts[0]!.address)];

        const report = await runMigrations(db, MIGRATIONS_FOLDER);
        expect(report.applied.length).toBe(journal.entries.length - 1);
        expect(await entryIndexes(db.db, db.schemaName)).toEqual({ entries_address_seq_num_pk: [2, 5], entries_height_idx: [1, 1] });
        expect([await page(KOIN_ID), await page(t.dev.accounts[0]!.address)]).toEqual(before);
        expect(before[0]!.map((e) => e.seqNum)).toEqual([2n, 1n, 0n]);

        // Writing goes on from the stored seq_nums; a revert by height still removes the block.
        await store.apply({ expectedHead: { id: blocks[1]!.block.id, height: 2n }, blocks: blocks.slice(2) });
        expect((await page(KOIN_ID)).map((e) => e.seqNum)).toEqual([3n, 2n, 1n, 0n]);
        await store.apply({ expectedHead: { id: blocks[2]!.block.id, height: 3n }, revertTo: { id: blocks[1]!.block.id, height: 2n }, blocks: [] });
        expect(await page(KOIN_ID)).toEqual(before[0]!);
      } finally {
        await db.dispose();
        rmSync(older, { recursive: true, force: true });
      }
    }, 60_000);
  });
}
