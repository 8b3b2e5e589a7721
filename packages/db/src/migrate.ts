/**
 * Applies drizzle-kit migrations inside the service's schema, on either driver.
 *
 * Files are read with drizzle's own `readMigrationFiles` and bookkept in drizzle's table format
 * (`<schema>.__drizzle_migrations`: id, sha256 hash, `created_at` = the journal's `when`), so the
 * result is what `drizzle-orm/<driver>/migrator` would produce. The apply loop is ours, because
 * the stock migrators do not fit a schema-per-service, several-replica deployment:
 *
 * - drizzle-kit writes `"public".` in front of enum types and foreign-key targets even for tables
 *   declared without a schema; those qualifiers are removed so the objects land in, and refer to,
 *   the service's schema (the only entry on `search_path`).
 * - everything (table creation, reading the last applied migration, applying the new ones) runs in
 *   ONE transaction holding an advisory lock keyed by the schema, so two replicas starting at the
 *   same time cannot both apply a migration. The stock migrators read outside their transaction.
 *
 * Like drizzle's, a migration is applied when its journal `when` is later than the last applied
 * one; running twice is a no-op.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { CairnError, ErrorStatus, type Logger } from "@cairn/core";
import type { DatabaseHandle } from "./handle.ts";
import { executeRows } from "./rows.ts";

/** Name of the bookkeeping table (drizzle's default), inside the service's schema. */
export const MIGRATIONS_TABLE = "__drizzle_migrations";

/** First key of the advisory lock taken while migrating ("CAIR"); the second is the schema's hash. */
const LOCK_KEY = 0x43414952;

/** Options of `runMigrations`. */
export interface RunMigrationsOptions {
  /** Receives one line per applied migration, and a warning when the database is ahead. */
  logger?: Logger;
}

/** What `runMigrations` did. */
export interface MigrationReport {
  /** Tags (file names without `.sql`) of the migrations applied by this call, in order. */
  applied: string[];
  /** Number of migrations in the folder. */
  total: number;
}

/** Removes drizzle-kit's `"public".` qualifiers so objects resolve through `search_path`. */
export function unqualifyPublic(statement: string): string {
  return statement.replace(/"public"\./g, "");
}

function journalTags(migrationsFolder: string): string[] {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
  return journal.entries.map((e) => e.tag);
}

/** Applies the pending migrations of `migrationsFolder` to the handle's schema. */
export async function runMigrations(handle: DatabaseHandle, migrationsFolder: string, opts: RunMigrationsOptions = {}): Promise<MigrationReport> {
  let migrations: ReturnType<typeof readMigrationFiles>;
  let tags: string[];
  try {
    migrations = readMigrationFiles({ migrationsFolder });
    tags = journalTags(migrationsFolder);
  } catch (err) {
    throw new CairnError("db.migrations_unreadable", "cannot read migrations folder", {
      status: ErrorStatus.FailedPrecondition,
      data: { migrationsFolder },
      cause: err,
    });
  }
  const schema = handle.schemaName;
  const table = sql`${sql.identifier(schema)}.${sql.identifier(MIGRATIONS_TABLE)}`;
  const applied: string[] = [];
  let current = "";
  try {
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(String(LOCK_KEY))}, hashtext(${schema}))`);
      await tx.execute(sql`create table if not exists ${table} (id serial primary key, hash text not null, created_at bigint)`);
      const last = await executeRows<{ created_at: unknown }>(tx, sql`select created_at from ${table} order by created_at desc limit 1`);
      const lastMillis = last[0] ? Number(last[0].created_at) : -Infinity;
      for (const [i, migration] of migrations.entries()) {
        if (migration.folderMillis <= lastMillis) continue;
        current = tags[i] ?? String(i);
        for (const statement of migration.sql) {
          if (statement.trim() === "") continue;
          await tx.execute(sql.raw(unqualifyPublic(statement)));
        }
        await tx.execute(sql`insert into ${table} (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`);
        applied.push(current);
      }
      const newest = migrations.at(-1)?.folderMillis ?? -Infinity;
      if (lastMillis > newest) {
        opts.logger?.warn({ schema, lastApplied: lastMillis, newestInFolder: newest }, "database has migrations newer than this build");
      }
    });
  } catch (err) {
    throw new CairnError("db.migration_failed", "migration failed; nothing was applied", {
      status: ErrorStatus.Internal,
      data: { migrationsFolder, schema, migration: current },
      cause: err,
    });
  }
  for (const tag of applied) opts.logger?.info({ schema, migration: tag }, "migration applied");
  return { applied, total: migrations.length };
}
