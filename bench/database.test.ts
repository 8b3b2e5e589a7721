/** A benchmark's database: PGlite in memory by default; on Postgres, a database of the run's own, dropped after it. */
import { expect, test } from "bun:test";
import postgres from "postgres";
import { postgresTestUrl } from "@cairn/db/testing";
import { benchDatabase } from "./database.ts";

const pg = await postgresTestUrl();

test("without BENCH_DATABASE_URL: PGlite in memory, nothing to drop", async () => {
  const db = await benchDatabase({});
  expect(db.url).toBeUndefined();
  expect(db.label).toBe("pglite (in process)");
  await db.drop();
});

test.skipIf(pg === undefined)("with BENCH_DATABASE_URL: a new database on that server, never the one named, dropped at the end", async () => {
  const db = await benchDatabase({ BENCH_DATABASE_URL: pg! });
  const given = new URL(pg!).pathname.slice(1);
  const own = new URL(db.url!).pathname.slice(1);
  expect(own).not.toBe(given);
  expect(own).toMatch(/^cairn_bench_/);
  expect(db.label).toContain(own);
  const sql = postgres(db.url!, { max: 1, onnotice: () => {} });
  await sql`create table bench_probe (x int)`;
  expect((await sql`select current_database() as name`)[0]!.name).toBe(own);
  await sql.end();
  await db.drop();
  await db.drop(); // idempotent
  const admin = postgres(pg!, { max: 1, onnotice: () => {} });
  try {
    expect(await admin`select 1 from pg_database where datname = ${own}`).toHaveLength(0);
    // The named database holds nothing of the run.
    expect(await admin`select 1 from information_schema.tables where table_name = 'bench_probe'`).toHaveLength(0);
  } finally {
    await admin.end();
  }
});
