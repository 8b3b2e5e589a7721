/**
 * `openDatabase`: the one entry point services use to get their database. Each driver is imported
 * when a URL first asks for it, so a process that opens no database (the one-process dev node on
 * its in-memory stores) never loads PGlite's ~10 MB of WASM glue nor postgres.js.
 */
import { CairnError, ErrorStatus } from "@cairn/core";
import type { DatabaseHandle } from "./handle.ts";
import { runMigrations } from "./migrate.ts";
import type { OpenDatabaseOptions } from "./options.ts";
import { checkSchemaName, DEFAULT_SCHEMA } from "./schema-name.ts";
import { parseDatabaseUrl, redactUrl } from "./url.ts";

/**
 * Opens the database `url` points at (`postgres://`, `postgresql://`, `pglite://memory`,
 * `pglite://<dir>`), selects the service's schema, and applies `migrationsFolder` when given.
 * For Postgres it waits for the server with backoff first (up to `waitTimeoutMs`), and for the
 * read replica at `readUrl` when one is given (Postgres only: `db.invalid_url` otherwise).
 */
export async function openDatabase(url: string, opts: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const target = parseDatabaseUrl(url);
  const schemaName = checkSchemaName(opts.schemaName ?? DEFAULT_SCHEMA);
  const log = opts.logger.child({ module: "db", schema: schemaName });
  const readUrl = opts.readUrl === undefined || opts.readUrl === "" ? undefined : opts.readUrl;
  if (readUrl !== undefined && (target.kind !== "postgres" || parseDatabaseUrl(readUrl).kind !== "postgres")) {
    throw new CairnError("db.invalid_url", "a read replica URL needs a postgres:// database URL and must itself be postgres://", {
      status: ErrorStatus.InvalidArgument,
      data: { url: redactUrl(url), readUrl: redactUrl(readUrl) },
    });
  }
  const handle =
    target.kind === "postgres"
      ? await (await import("./postgres.ts")).openPostgres(target.url, schemaName, opts, log, readUrl)
      : await (await import("./pglite.ts")).openPglite(target.dataDir, schemaName, log);
  if (opts.migrationsFolder !== undefined) {
    try {
      await runMigrations(handle, opts.migrationsFolder, { logger: log });
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }
  log.info({ kind: handle.kind, url: redactUrl(url), readReplica: handle.hasReadReplica }, "database open");
  return handle;
}
