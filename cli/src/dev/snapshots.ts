/**
 * Database snapshots of the dev node (`DevSnapshots` of `storage.ts` for the database kind: Postgres
 * with `--database-url`, PGlite under `--data`): every table of the services' schemas (chain state
 * and blocks, block and transaction store, mempool, account history) copied into a schema of its
 * own (`cairn_dev_snapshot_<id>`) in one repeatable-read transaction, with the values of their
 * sequences; restoring empties those tables and copies the rows back, in one transaction. Plain
 * SQL, so the same code serves PGlite and Postgres. The drizzle migrations tables are left alone
 * (the schema does not change while the node runs). The in-memory kind's snapshots are the stores'
 * dumps (`memory-storage.ts`).
 */
import { type CairnDb, MIGRATIONS_TABLE, executeRows } from "@cairn/db";
import type { DevSnapshot, DevSnapshots } from "./storage.ts";

/** Prefix of the snapshot schemas. */
export const SNAPSHOT_SCHEMA_PREFIX = "cairn_dev_snapshot_";

/** One recorded snapshot. */
export interface DatabaseSnapshot extends DevSnapshot {
  /** The schema holding the copies. */
  readonly schema: string;
  /** The tables copied: `<schema>.<table>` ↔ `<snapshot schema>.<schema>__<table>`. */
  readonly tables: readonly { schema: string; table: string }[];
  /** Sequence values at the time of the snapshot. */
  readonly sequences: readonly { schema: string; name: string; lastValue: string; isCalled: boolean }[];
}

/** Snapshots over the service schemas of one database (`wipe` also restarts their sequences; `dropAll` drops every schema named with the prefix). */
export type DatabaseSnapshots = DevSnapshots<DatabaseSnapshot>;

/** `"name"` with inner quotes doubled. */
const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * Snapshots of `schemas`, run through `db` (any handle on the database: every name is qualified).
 * `prefix` names the snapshot schemas (default {@link SNAPSHOT_SCHEMA_PREFIX}; tests pick their own).
 */
export function createDatabaseSnapshots(db: CairnDb, schemas: readonly string[], prefix = SNAPSHOT_SCHEMA_PREFIX): DatabaseSnapshots {
  const inSchemas = `(${schemas.map(literal).join(", ")})`;

  async function tablesOf(tx: CairnDb): Promise<{ schema: string; table: string }[]> {
    const rows = await executeRows<{ table_schema: string; table_name: string }>(
      tx,
      `select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE' and table_schema in ${inSchemas} and table_name <> ${literal(MIGRATIONS_TABLE)} order by table_schema, table_name`,
    );
    return rows.map((r) => ({ schema: r.table_schema, table: r.table_name }));
  }

  async function sequencesOf(tx: CairnDb): Promise<{ schema: string; name: string }[]> {
    const rows = await executeRows<{ sequence_schema: string; sequence_name: string }>(
      tx,
      `select sequence_schema, sequence_name from information_schema.sequences where sequence_schema in ${inSchemas} order by sequence_schema, sequence_name`,
    );
    return rows.map((r) => ({ schema: r.sequence_schema, name: r.sequence_name }));
  }

  const copyName = (t: { schema: string; table: string }) => `${t.schema}__${t.table}`;

  return {
    async take(id) {
      const schema = `${prefix}${id}`;
      return db.transaction(async (tx) => {
        await tx.execute("set transaction isolation level repeatable read");
        const tables = await tablesOf(tx);
        await tx.execute(`create schema ${q(schema)}`);
        for (const t of tables) await tx.execute(`create table ${q(schema)}.${q(copyName(t))} as table ${q(t.schema)}.${q(t.table)}`);
        const sequences = [];
        for (const s of await sequencesOf(tx)) {
          const [row] = await executeRows<{ last_value: string | number | bigint; is_called: boolean }>(tx, `select last_value, is_called from ${q(s.schema)}.${q(s.name)}`);
          sequences.push({ ...s, lastValue: String(row!.last_value), isCalled: row!.is_called });
        }
        return { id, schema, tables, sequences };
      });
    },
    async restore(snapshot) {
      await db.transaction(async (tx) => {
        const current = await tablesOf(tx);
        if (current.length > 0) await tx.execute(`truncate ${current.map((t) => `${q(t.schema)}.${q(t.table)}`).join(", ")}`);
        for (const t of snapshot.tables) await tx.execute(`insert into ${q(t.schema)}.${q(t.table)} select * from ${q(snapshot.schema)}.${q(copyName(t))}`);
        for (const s of snapshot.sequences) await tx.execute(`select setval(${literal(`${q(s.schema)}.${q(s.name)}`)}, ${BigInt(s.lastValue)}, ${s.isCalled})`);
      });
    },
    async wipe() {
      await db.transaction(async (tx) => {
        const current = await tablesOf(tx);
        if (current.length > 0) await tx.execute(`truncate ${current.map((t) => `${q(t.schema)}.${q(t.table)}`).join(", ")} restart identity`);
        for (const s of await sequencesOf(tx)) await tx.execute(`alter sequence ${q(s.schema)}.${q(s.name)} restart`);
      });
    },
    async drop(snapshot) {
      await db.execute(`drop schema if exists ${q(snapshot.schema)} cascade`);
    },
    async dropAll() {
      const rows = await executeRows<{ schema_name: string }>(db, `select schema_name from information_schema.schemata where starts_with(schema_name, ${literal(prefix)})`);
      for (const r of rows) await db.execute(`drop schema if exists ${q(r.schema_name)} cascade`);
    },
  };
}
