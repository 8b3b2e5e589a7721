/** `openDatabase`: the one entry point services use to get their database. */
import type { DatabaseHandle } from "./handle.ts";
import { runMigrations } from "./migrate.ts";
import type { OpenDatabaseOptions } from "./options.ts";
import { openPglite } from "./pglite.ts";
import { openPostgres } from "./postgres.ts";
import { checkSchemaName, DEFAULT_SCHEMA } from "./schema-name.ts";
import { parseDatabaseUrl, redactUrl } from "./url.ts";

/**
 * Opens the database `url` points at (`postgres://`, `postgresql://`, `pglite://memory`,
 * `pglite://<dir>`), selects the service's schema, and applies `migrationsFolder` when given.
 * For Postgres it waits for the server with backoff first (up to `waitTimeoutMs`).
 */
export async function openDatabase(url: string, opts: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const target = parseDatabaseUrl(url);
  const schemaName = checkSchemaName(opts.schemaName ?? DEFAULT_SCHEMA);
  const log = opts.logger.child({ module: "db", schema: schemaName });
  const handle =
    target.kind === "postgres"
      ? await openPostgres(target.url, schemaName, opts, log)
      : await openPglite(target.dataDir, schemaName, log);
  if (opts.migrationsFolder !== undefined) {
    try {
      await runMigrations(handle, opts.migrationsFolder, { logger: log });
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }
  log.info({ kind: handle.kind, url: redactUrl(url) }, "database open");
  return handle;
}
