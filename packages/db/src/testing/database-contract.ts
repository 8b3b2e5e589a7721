/**
 * The database contract (architecture §8): one suite, run against every way `openDatabase` can be
 * reached (PGlite in memory, PGlite in a data directory, a Postgres server). It uses the sample
 * schema and drizzle-kit migrations committed under `packages/db/test-fixtures/`.
 *
 * `makeUrl` is called once per test; it may return the same URL every time: every test works in
 * schemas of its own and drops them at the end.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { rejection } from "@cairn/test-utils";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asc, eq, sql } from "drizzle-orm";
import { isCairnError, silentLogger } from "@cairn/core";
import { UINT64_MAX } from "../columns.ts";
import type { DatabaseHandle } from "../handle.ts";
import { runMigrations } from "../migrate.ts";
import { openDatabase } from "../open-database.ts";
import { executeRows } from "../rows.ts";
import { parseDatabaseUrl } from "../url.ts";
import { itemNotes, items } from "../../test-fixtures/schema.ts";
import { keepInMemoryDatabaseOpen, randomSchemaName } from "./test-database.ts";

/** The committed fixture migrations (`0000_init`, `0001_add_memo`). */
export const FIXTURE_MIGRATIONS = join(import.meta.dir, "../../test-fixtures/drizzle");

/**
 * Per-test timeout. The first in-memory PGlite of a process runs initdb (2–7 s on a busy 2-core
 * machine), more than bun's 5 s default (bunfig's `[test] timeout` is not applied by Bun 1.4.4).
 */
const TIMEOUT_MS = 30_000;

/** Registers the database contract suite for the implementation `makeUrl` points at. */
export function runDatabaseContract(name: string, makeUrl: () => string): void {
  describe(`database contract: ${name}`, () => {
    const open: DatabaseHandle[] = [];
    const toDrop: { url: string; schemaName: string }[] = [];

    function inMemory(url: string): boolean {
      const target = parseDatabaseUrl(url);
      return target.kind === "pglite" && target.dataDir === undefined;
    }

    async function openDb(url: string, schemaName = randomSchemaName("contract"), migrate = true): Promise<DatabaseHandle> {
      const handle = await openDatabase(url, {
        logger: silentLogger(),
        schemaName,
        migrationsFolder: migrate ? FIXTURE_MIGRATIONS : undefined,
        waitTimeoutMs: 3_000,
      });
      open.push(handle);
      if (!toDrop.some((d) => d.url === url && d.schemaName === schemaName)) toDrop.push({ url, schemaName });
      return handle;
    }

    afterEach(async () => {
      // Drop the test's schemas, then close its handles.
      for (const { url, schemaName } of toDrop.splice(0)) {
        const h = await openDatabase(url, { logger: silentLogger(), schemaName, waitTimeoutMs: 3_000 });
        try {
          await h.db.execute(sql`drop schema if exists ${sql.identifier(schemaName)} cascade`);
        } finally {
          await h.close();
        }
      }
      for (const h of open.splice(0)) await h.close();
    });

    async function countItems(h: DatabaseHandle): Promise<number> {
      return (await h.db.select({ id: items.id }).from(items)).length;
    }

    describe("while the database stays open", () => {
      let keepalive: DatabaseHandle | undefined;
      // One handle held for the whole group keeps the PGlite instance open between tests, so a
      // test costs a schema rather than opening the instance again (0.2 s for a directory, an
      // initdb for memory). Postgres needs none.
      beforeAll(async () => {
        const url = makeUrl();
        if (inMemory(url)) await keepInMemoryDatabaseOpen();
        else if (parseDatabaseUrl(url).kind === "pglite") keepalive = await openDatabase(url, { logger: silentLogger() });
      }, TIMEOUT_MS);
      afterAll(async () => {
        await keepalive?.close();
      });

      test("opens, answers ping, reports its driver and schema", async () => {
        const url = makeUrl();
        const h = await openDb(url, randomSchemaName("contract"), false);
        await h.ping();
        expect(h.kind).toBe(parseDatabaseUrl(url).kind);
        const [row] = await executeRows<{ schema: string }>(h.db, sql`select current_schema() as schema`);
        expect(row?.schema).toBe(h.schemaName);
      }, TIMEOUT_MS);

      test("migrations apply, land in the service schema, and running them again changes nothing", async () => {
        const h = await openDb(makeUrl(), randomSchemaName("contract"), false);
        const first = await runMigrations(h, FIXTURE_MIGRATIONS);
        expect(first).toEqual({ applied: ["0000_init", "0001_add_memo"], total: 2 });
        const again = await runMigrations(h, FIXTURE_MIGRATIONS);
        expect(again).toEqual({ applied: [], total: 2 });

        const tables = await executeRows<{ table_name: string }>(
          h.db,
          sql`select table_name from information_schema.tables where table_schema = ${h.schemaName} order by table_name`,
        );
        expect(tables.map((t) => t.table_name)).toEqual(["__drizzle_migrations", "item_notes", "items"]);
        const enums = await executeRows<{ schema: string }>(
          h.db,
          sql`select n.nspname as schema from pg_type t join pg_namespace n on n.oid = t.typnamespace where t.typname = 'item_kind' and n.nspname = ${h.schemaName}`,
        );
        expect(enums).toHaveLength(1);
        const booked = await executeRows(h.db, sql`select hash from ${sql.identifier(h.schemaName)}.__drizzle_migrations`);
        expect(booked).toHaveLength(2);
      }, TIMEOUT_MS);

      test("a later migration applies on top of the earlier ones", async () => {
        const partial = mkdtempSync(join(tmpdir(), "cairn-migrations-"));
        try {
          cpSync(FIXTURE_MIGRATIONS, partial, { recursive: true });
          const journalPath = join(partial, "meta", "_journal.json");
          const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: unknown[] };
          journal.entries = journal.entries.slice(0, 1);
          writeFileSync(journalPath, JSON.stringify(journal));

          const h = await openDb(makeUrl(), randomSchemaName("contract"), false);
          expect((await runMigrations(h, partial)).applied).toEqual(["0000_init"]);
          expect((await runMigrations(h, FIXTURE_MIGRATIONS)).applied).toEqual(["0001_add_memo"]);
          await h.db.insert(items).values({ name: "m", payload: new Uint8Array([1]), memo: "later column" });
          const [row] = await h.db.select({ memo: items.memo }).from(items);
          expect(row?.memo).toBe("later column");
        } finally {
          rmSync(partial, { recursive: true, force: true });
        }
      }, TIMEOUT_MS);

      test("bytea round-trips as Uint8Array, including empty and zero bytes", async () => {
        const h = await openDb(makeUrl());
        const all = Uint8Array.from({ length: 256 }, (_, i) => i);
        const big = crypto.getRandomValues(new Uint8Array(65_536));
        const samples: [string, Uint8Array][] = [
          ["empty", new Uint8Array(0)],
          ["zero", new Uint8Array([0])],
          ["zeros", new Uint8Array([0, 0, 0])],
          ["all", all],
          ["big", big],
          ["view", all.subarray(10, 20)],
        ];
        await h.db.insert(items).values(samples.map(([n, payload]) => ({ name: n, payload })));
        const rows = await h.db.select({ name: items.name, payload: items.payload }).from(items).orderBy(asc(items.id));
        expect(rows.map((r) => r.name)).toEqual(samples.map(([n]) => n));
        for (const [i, row] of rows.entries()) {
          expect(Object.getPrototypeOf(row.payload)).toBe(Uint8Array.prototype);
          expect(Array.from(row.payload)).toEqual(Array.from(samples[i]![1]));
        }
        const [byValue] = await h.db.select({ name: items.name }).from(items).where(eq(items.payload, new Uint8Array([0, 0, 0])));
        expect(byValue?.name).toBe("zeros");
      }, TIMEOUT_MS);

      test("int64 and uint64 round-trip at their limits; uint64 out of range is rejected", async () => {
        const h = await openDb(makeUrl());
        const cases = [
          { name: "min", amount: -(1n << 63n), supply: 0n },
          { name: "max", amount: (1n << 63n) - 1n, supply: UINT64_MAX },
          { name: "mid", amount: 0n, supply: 1n << 63n },
        ];
        await h.db.insert(items).values(cases.map((c) => ({ ...c, payload: new Uint8Array() })));
        const rows = await h.db.select({ name: items.name, amount: items.amount, supply: items.supply }).from(items).orderBy(asc(items.supply));
        expect(rows).toEqual([cases[0]!, cases[2]!, cases[1]!]);
        expect(typeof rows[0]!.amount).toBe("bigint");
        expect(typeof rows[0]!.supply).toBe("bigint");

        for (const bad of [-1n, UINT64_MAX + 1n]) {
          const err = await rejection(() => h.db.insert(items).values({ name: `bad${bad}`, payload: new Uint8Array(), supply: bad }));
          expect(isCairnError(err) && err.code === "db.uint64_out_of_range").toBe(true);
        }
        expect(await countItems(h)).toBe(3);
      }, TIMEOUT_MS);

      test("a transaction that returns commits everything", async () => {
        const h = await openDb(makeUrl());
        const id = await h.db.transaction(async (tx) => {
          const [item] = await tx.insert(items).values({ name: "tx", payload: new Uint8Array([7]) }).returning({ id: items.id });
          await tx.insert(itemNotes).values([{ itemId: item!.id, note: "a" }, { itemId: item!.id, note: "b" }]);
          return item!.id;
        });
        expect(await countItems(h)).toBe(1);
        const notes = await h.db.select().from(itemNotes).where(eq(itemNotes.itemId, id));
        expect(notes.map((n) => n.note).sort()).toEqual(["a", "b"]);
      }, TIMEOUT_MS);

      test("a transaction that throws rolls back and leaves nothing", async () => {
        const h = await openDb(makeUrl());
        const boom = new Error("boom");
        const err = await rejection(() =>
          h.db.transaction(async (tx) => {
            const [item] = await tx.insert(items).values({ name: "gone", payload: new Uint8Array([1]) }).returning({ id: items.id });
            await tx.insert(itemNotes).values({ itemId: item!.id, note: "gone too" });
            throw boom;
          }),
        );
        expect(err).toBe(boom);
        expect(await countItems(h)).toBe(0);
        expect(await h.db.select().from(itemNotes)).toEqual([]);
        // The handle is still usable afterwards.
        await h.db.insert(items).values({ name: "after", payload: new Uint8Array() });
        expect(await countItems(h)).toBe(1);
      }, TIMEOUT_MS);

      test("a failing nested transaction rolls back only itself", async () => {
        const h = await openDb(makeUrl());
        await h.db.transaction(async (tx) => {
          await tx.insert(items).values({ name: "outer", payload: new Uint8Array() });
          await tx
            .transaction(async (inner) => {
              await inner.insert(items).values({ name: "inner", payload: new Uint8Array() });
              throw new Error("inner fails");
            })
            .catch(() => undefined);
        });
        const names = (await h.db.select({ name: items.name }).from(items)).map((r) => r.name);
        expect(names).toEqual(["outer"]);
      }, TIMEOUT_MS);

      test("schemas are isolated: same table names, separate rows", async () => {
        // Two services on one database (server, data directory or memory) at the same time.
        const url = makeUrl();
        const [ha, hb] = [await openDb(url, randomSchemaName("contract_a")), await openDb(url, randomSchemaName("contract_b"))];
        await ha.db.insert(items).values({ name: "in a", payload: new Uint8Array([0xa]) });
        await hb.db.insert(items).values([{ name: "in b", payload: new Uint8Array([0xb]) }, { name: "b2", payload: new Uint8Array() }]);
        expect((await ha.db.select({ name: items.name }).from(items)).map((r) => r.name)).toEqual(["in a"]);
        expect(await countItems(hb)).toBe(2);
      }, TIMEOUT_MS);

      test("interleaved queries and transactions of two schemas never mix", async () => {
        const url = makeUrl();
        const [ha, hb] = [await openDb(url, randomSchemaName("contract_a")), await openDb(url, randomSchemaName("contract_b"))];
        const work: Promise<unknown>[] = [];
        for (let i = 0; i < 20; i++) {
          work.push(ha.db.insert(items).values({ name: `a${i}`, payload: new Uint8Array([i]) }));
          work.push(hb.db.insert(items).values({ name: `b${i}`, payload: new Uint8Array([i]) }));
          if (i % 5 === 0) {
            work.push(
              ha.db.transaction(async (tx) => {
                await tx.insert(items).values({ name: `a-tx${i}`, payload: new Uint8Array() });
                return tx.select({ id: items.id }).from(items);
              }),
            );
            work.push(hb.db.select({ id: items.id }).from(items));
          }
        }
        await Promise.all(work);
        const namesA = (await ha.db.select({ name: items.name }).from(items)).map((r) => r.name);
        const namesB = (await hb.db.select({ name: items.name }).from(items)).map((r) => r.name);
        expect(namesA).toHaveLength(24);
        expect(namesA.every((n) => n.startsWith("a"))).toBe(true);
        expect(namesB).toHaveLength(20);
        expect(namesB.every((n) => n.startsWith("b"))).toBe(true);
      }, TIMEOUT_MS);

      test("closing one handle leaves another on the same database working", async () => {
        const url = makeUrl();
        const a = await openDb(url);
        const b = await openDb(url);
        await b.db.insert(items).values({ name: "b", payload: new Uint8Array() });
        await a.close();
        await a.close(); // idempotent: must not release b's share of a PGlite instance
        expect(await countItems(b)).toBe(1);
      }, TIMEOUT_MS);

      test("a transaction on one handle and a query on another each run in their own schema", async () => {
        const url = makeUrl();
        const a = await openDb(url);
        const b = await openDb(url);
        const inTx = a.db.transaction(async (tx) => {
          const rows = await executeRows<{ s: string }>(tx, sql`select current_schema() as s`);
          await Bun.sleep(20);
          return rows[0]?.s;
        });
        const outside = executeRows<{ s: string }>(b.db, sql`select current_schema() as s`);
        expect(await Promise.all([inTx, outside])).toEqual([a.schemaName, [{ s: b.schemaName }]]);
      }, TIMEOUT_MS);

      test("an unreadable migrations folder is a db.migrations_unreadable error", async () => {
        const h = await openDb(makeUrl(), randomSchemaName("contract"), false);
        const err = await rejection(() => runMigrations(h, join(tmpdir(), "no-such-cairn-folder")));
        expect(isCairnError(err) && err.code === "db.migrations_unreadable").toBe(true);
      }, TIMEOUT_MS);
    });

    describe("across a reopen", () => {
      test("reopening keeps the data (persistent URLs)", async () => {
        const url = makeUrl();
        if (inMemory(url)) return; // dropped with the last handle; nothing to keep
        const schemaName = randomSchemaName("contract");
        const first = await openDb(url, schemaName);
        await first.db.insert(items).values({ name: "kept", payload: new Uint8Array([0, 1, 2]), supply: UINT64_MAX });
        await first.close();
        const second = await openDb(url, schemaName, false);
        expect((await runMigrations(second, FIXTURE_MIGRATIONS)).applied).toEqual([]);
        const rows = await second.db.select({ name: items.name, payload: items.payload, supply: items.supply }).from(items);
        expect(rows).toEqual([{ name: "kept", payload: new Uint8Array([0, 1, 2]), supply: UINT64_MAX }]);
      }, TIMEOUT_MS);
    });
  });
}
