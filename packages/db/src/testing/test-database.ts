/**
 * A database per test: a fresh, randomly named schema on the given URL (with migrations applied),
 * dropped again afterwards. Store contract suites in other packages build on this.
 */
import { sql } from "drizzle-orm";
import { silentLogger, type Logger } from "@cairn/core";
import type { DatabaseHandle } from "../handle.ts";
import { openDatabase } from "../open-database.ts";
import { parseDatabaseUrl, type DatabaseKind } from "../url.ts";
import { postgresTestUrl, type TestEnv } from "./postgres-probe.ts";

/** One implementation a store contract suite runs against. */
export interface TestDatabaseTarget {
  /** Label for `describe`, e.g. `pglite (memory)` or `postgres`. */
  name: string;
  /** URL to pass to `openTestDatabase`. */
  url: string;
  kind: DatabaseKind;
}

/**
 * The URLs store contract suites run against: PGlite in memory always, plus Postgres when it is
 * reachable or when `CI=true` (see `postgresTestUrl`).
 */
export async function testDatabaseUrls(env: TestEnv = process.env): Promise<TestDatabaseTarget[]> {
  const targets: TestDatabaseTarget[] = [{ name: "pglite (memory)", url: "pglite://memory", kind: "pglite" }];
  const pg = await postgresTestUrl(env);
  if (pg) targets.push({ name: "postgres", url: pg, kind: "postgres" });
  return targets;
}

/** A schema name no other test uses: `<prefix>_<time>_<random>`, lower-case. */
export function randomSchemaName(prefix = "test"): string {
  const random = crypto.getRandomValues(new Uint32Array(2)).reduce((s, n) => s + n.toString(36), "");
  return `${prefix}_${Date.now().toString(36)}_${random}`;
}

let memoryKeepalive: Promise<DatabaseHandle> | undefined;

/**
 * Keeps the process's in-memory PGlite open until the test process exits, so each test costs a
 * schema rather than a new instance (`initdb`: 1.5–7 s). `openTestDatabase` calls it for
 * `pglite://memory`; suites that open `pglite://memory` themselves should too.
 */
export async function keepInMemoryDatabaseOpen(): Promise<void> {
  memoryKeepalive ??= openDatabase("pglite://memory", { logger: silentLogger() });
  try {
    await memoryKeepalive;
  } catch (err) {
    memoryKeepalive = undefined;
    throw err;
  }
}

/** Options of `openTestDatabase`. */
export interface TestDatabaseOptions {
  /** Migrations to apply to the fresh schema. Default: none. */
  migrationsFolder?: string;
  /** Default: a silent logger. */
  logger?: Logger;
  /** Default: `randomSchemaName()`. */
  schemaName?: string;
  /** How long to wait for Postgres (ms). Default 3 000, so a missing server in CI fails fast. */
  waitTimeoutMs?: number;
}

/** A `DatabaseHandle` on a schema of its own; `dispose` drops the schema and closes. */
export interface TestDatabase extends DatabaseHandle {
  /** Drops the schema (CASCADE) and closes the handle. Idempotent. */
  dispose(): Promise<void>;
}

/** Opens `url` on a fresh schema (migrated when `migrationsFolder` is given). */
export async function openTestDatabase(url: string, opts: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const schemaName = opts.schemaName ?? randomSchemaName();
  const target = parseDatabaseUrl(url);
  const inMemory = target.kind === "pglite" && target.dataDir === undefined;
  if (inMemory) await keepInMemoryDatabaseOpen();
  const handle = await openDatabase(url, {
    logger: opts.logger ?? silentLogger(),
    schemaName,
    migrationsFolder: opts.migrationsFolder,
    waitTimeoutMs: opts.waitTimeoutMs ?? 3_000,
  });
  let disposed = false;
  return {
    ...handle,
    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        await handle.db.execute(sql`drop schema if exists ${sql.identifier(schemaName)} cascade`);
      } finally {
        await handle.close();
      }
    },
  };
}

/** Runs `fn` with a fresh test database and always disposes it. */
export async function withTestDatabase<T>(url: string, opts: TestDatabaseOptions, fn: (db: TestDatabase) => Promise<T>): Promise<T> {
  const db = await openTestDatabase(url, opts);
  try {
    return await fn(db);
  } finally {
    await db.dispose();
  }
}
