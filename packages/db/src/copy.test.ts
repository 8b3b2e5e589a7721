/**
 * `copyRows`: binary COPY on postgres.js — every column type and null round-trip, the rows join the
 * surrounding transaction (rolled back with it), a refused row fails the call; PGlite answers
 * false and writes nothing. `stageRows`: the staging table holds exactly the last rows staged.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { integer, pgTable, text } from "drizzle-orm/pg-core";
import { bytea, int64 } from "./columns.ts";
import { copyRows, stageRows } from "./copy.ts";
import { executeRows } from "./rows.ts";
import { type TestDatabase, openTestDatabase, testDatabaseUrls } from "./testing/index.ts";

const items = pgTable("copy_items", { id: int64("id").primaryKey(), n: integer("n").notNull(), name: text("name").notNull(), body: bytea("body").notNull(), note: bytea("note") });
const COLUMNS = [
  { name: "id", type: "int8" },
  { name: "n", type: "int4" },
  { name: "name", type: "text" },
  { name: "body", type: "bytea" },
  { name: "note", type: "bytea", nullable: true },
] as const;

const opened: TestDatabase[] = [];
afterAll(async () => {
  for (const db of opened) await db.dispose();
});

async function database(url: string): Promise<TestDatabase> {
  const db = await openTestDatabase(url);
  opened.push(db);
  await db.db.execute(sql`create table copy_items (id bigint primary key, n integer not null, name text not null, body bytea not null, note bytea)`);
  return db;
}

for (const target of await testDatabaseUrls()) {
  describe(`copyRows: ${target.name}`, () => {
    test(target.kind === "postgres" ? "rows of every column type read back as written" : "answers false and writes nothing", async () => {
      const db = await database(target.url);
      // Over many 64 KiB chunks, rows larger than a chunk among them (first and last), with extreme
      // values and empty and multi-byte fields.
      const rows = Array.from({ length: 3000 }, (_, i) => [BigInt(i) * 3_000_000_000n - 9_000_000_000_000n, i === 1 ? -2_147_483_648 : i * 1000, i % 2 ? "trx" : "blöck ✓", new Uint8Array(i === 5 || i === 2999 ? 100_000 : i % 7 === 0 ? 0 : 500).fill(i % 256), i % 3 ? null : new Uint8Array([i % 256])] as const);
      const copied = await copyRows(db.db, items, COLUMNS, rows);
      const read = await db.db.select().from(items).orderBy(items.id);
      if (target.kind !== "postgres") {
        expect(copied).toBe(false);
        expect(read).toEqual([]);
        return;
      }
      expect(copied).toBe(true);
      expect(read).toEqual(rows.map(([id, n, name, body, note]) => ({ id, n, name, body, note })));
    });

    if (target.kind !== "postgres") return;

    test("inside a transaction the rows roll back with it; a duplicate key fails the call", async () => {
      const db = await database(target.url);
      const rolledBack = await db.db
        .transaction(async (tx) => {
          await copyRows(tx, items, COLUMNS, [[1n, 1, "a", new Uint8Array([1]), null]]);
          throw new Error("roll back");
        })
        .catch((e: Error) => e.message);
      expect(rolledBack).toBe("roll back");
      expect(await executeRows(db.db, sql`select id from copy_items`)).toEqual([]);
      const duplicate = await copyRows(db.db, items, COLUMNS, [
        [2n, 1, "a", new Uint8Array([1]), null],
        [2n, 2, "b", new Uint8Array([2]), null],
      ]).catch((e: Error) => e);
      expect(duplicate).toBeInstanceOf(Error);
      expect(await executeRows(db.db, sql`select id from copy_items`)).toEqual([]);
    });

    test("stageRows: the staging table holds exactly the rows of the last call in a transaction", async () => {
      const db = await database(target.url);
      const staged = await db.db.transaction(async (tx) => {
        await stageRows(tx, "copy_staging", COLUMNS, [[1n, 1, "a", new Uint8Array([1]), null]]);
        await stageRows(tx, "copy_staging", COLUMNS, [
          [2n, 2, "b", new Uint8Array([2]), new Uint8Array([9])],
          [3n, 3, "c", new Uint8Array([3]), null],
        ]);
        await tx.execute(sql`insert into copy_items select * from copy_staging`);
        return executeRows<{ id: bigint }>(tx, sql`select id from copy_staging order by id`);
      });
      expect(staged.map((r) => BigInt(r.id))).toEqual([2n, 3n]);
      expect((await db.db.select().from(items).orderBy(items.id)).map((r) => r.id)).toEqual([2n, 3n]);
    });
  });
}
