/**
 * One migrated PGlite shared by every test in the process, in a temporary data directory:
 * creating a PGlite cluster (initdb) costs seconds on a busy machine, emptying two tables costs
 * milliseconds. Tests using it run one after another and start from `emptySharedDb()`;
 * `reopenSharedDb()` closes it and opens the same directory again, as a restarted process would.
 * `bun test` runs no exit handlers, so each run removes the directories of earlier, finished runs.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@cairn/core";
import { type DatabaseHandle, openDatabase } from "@cairn/db";
import { sql } from "drizzle-orm";
import { MIGRATIONS_FOLDER, SCHEMA_NAME } from "../store/migrations.ts";

const PREFIX = "cairn-mempool-test-";
let dir: string | undefined;
let shared: Promise<DatabaseHandle> | undefined;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
}

/** Removes data directories left by test processes that are gone. */
function removeStaleDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = name.startsWith(PREFIX) ? Number(name.slice(PREFIX.length).split("-")[0]) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function open(): Promise<DatabaseHandle> {
  if (!dir) {
    removeStaleDirs();
    dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  }
  return openDatabase(`pglite://${dir}`, { logger: silentLogger(), schemaName: SCHEMA_NAME, migrationsFolder: MIGRATIONS_FOLDER });
}

/** The shared database, tables emptied. */
export async function emptySharedDb(): Promise<DatabaseHandle> {
  shared ??= open();
  const db = await shared;
  await db.db.execute(sql`delete from pending_transactions`);
  await db.db.execute(sql`delete from progress`);
  return db;
}

/** Closes the shared database and opens its data directory again (contents kept). */
export async function reopenSharedDb(): Promise<DatabaseHandle> {
  if (shared) await (await shared).close();
  shared = open();
  return shared;
}
