/** Database snapshots of the dev node, on PGlite and (when reachable, always under CI) Postgres. */
import { afterAll, describe, expect, test } from "bun:test";
import { executeRows } from "@cairn/db";
import { openTestDatabase, randomSchemaName, type TestDatabase, testDatabaseUrls } from "@cairn/db/testing";
import { createDatabaseSnapshots } from "./snapshots.ts";

const targets = await testDatabaseUrls();

for (const target of targets) {
  describe(`dev snapshots (${target.name})`, () => {
    const opened: TestDatabase[] = [];
    afterAll(async () => {
      for (const d of opened) await d.dispose();
    });

    const setup = async () => {
      const a = await openTestDatabase(target.url);
      const b = await openTestDatabase(target.url);
      opened.push(a, b);
      await a.db.execute(`create table "${a.schemaName}".items (seq bigserial not null, name text primary key)`);
      await b.db.execute(`create table "${b.schemaName}".kv (k text primary key, v bytea)`);
      await a.db.execute(`create table "${a.schemaName}".__drizzle_migrations (id serial primary key, hash text)`);
      await a.db.execute(`insert into "${a.schemaName}".items (name) values ('one'), ('two')`);
      await b.db.execute(`insert into "${b.schemaName}".kv values ('x', '\\x0102')`);
      await a.db.execute(`insert into "${a.schemaName}".__drizzle_migrations (hash) values ('m1')`);
      const prefix = `${randomSchemaName("snap")}_`;
      const snapshots = createDatabaseSnapshots(a.db, [a.schemaName, b.schemaName], prefix);
      const read = async () => ({
        items: await executeRows(a.db, `select seq::text, name from "${a.schemaName}".items order by seq`),
        kv: (await executeRows<{ k: string; v: Uint8Array }>(b.db, `select k, v from "${b.schemaName}".kv order by k`)).map((r) => ({ k: r.k, v: [...r.v] })),
        migrations: await executeRows(a.db, `select hash from "${a.schemaName}".__drizzle_migrations`),
      });
      const nextSeq = async () => (await executeRows<{ seq: string }>(a.db, `insert into "${a.schemaName}".items (name) values ('probe-${Math.random()}') returning seq::text as seq`))[0]!.seq;
      const schemasWithPrefix = async () => (await executeRows<{ schema_name: string }>(a.db, `select schema_name from information_schema.schemata where starts_with(schema_name, '${prefix}')`)).map((r) => r.schema_name);
      return { a, b, snapshots, read, nextSeq, schemasWithPrefix };
    };

    test("restore brings back every table's rows and the sequences; the migrations table is left alone", async () => {
      const { a, b, snapshots, read, nextSeq, schemasWithPrefix } = await setup();
      const before = await read();
      const snap = await snapshots.take(7n);
      expect(await schemasWithPrefix()).toEqual([snap.schema]);
      await a.db.execute(`insert into "${a.schemaName}".items (name) values ('three')`);
      await a.db.execute(`delete from "${a.schemaName}".items where name = 'one'`);
      await b.db.execute(`update "${b.schemaName}".kv set v = '\\x03' where k = 'x'`);
      await a.db.execute(`insert into "${a.schemaName}".__drizzle_migrations (hash) values ('m2')`);
      await snapshots.restore(snap);
      const after = await read();
      expect(after.items).toEqual(before.items);
      expect(after.kv).toEqual(before.kv);
      expect(after.migrations).toEqual([{ hash: "m1" }, { hash: "m2" }]);
      expect(await nextSeq()).toBe("3"); // as if 'three' had never been inserted
      // A snapshot can be restored again until dropped.
      await snapshots.restore(snap);
      expect((await read()).items).toEqual(before.items);
      await snapshots.drop(snap);
      expect(await schemasWithPrefix()).toEqual([]);
    });

    test("wipe empties every table and restarts the sequences; dropAll removes the prefix's schemas", async () => {
      const { snapshots, read, nextSeq, schemasWithPrefix } = await setup();
      await snapshots.take(1n);
      await snapshots.take(2n);
      expect(await schemasWithPrefix()).toHaveLength(2);
      await snapshots.wipe();
      const wiped = await read();
      expect(wiped.items).toEqual([]);
      expect(wiped.kv).toEqual([]);
      expect(wiped.migrations).toEqual([{ hash: "m1" }]);
      expect(await nextSeq()).toBe("1");
      await snapshots.dropAll();
      expect(await schemasWithPrefix()).toEqual([]);
    });
  });
}
