/**
 * The Postgres driver: a postgres.js pool wrapped by `drizzle-orm/postgres-js`. Every connection
 * starts with `search_path` set to the service's schema (a startup parameter, so pooled
 * connections opened later get it too).
 */
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import { CairnError, ErrorStatus, retryWithBackoff, type Logger } from "@cairn/core";
import type { CairnDb, DatabaseHandle } from "./handle.ts";
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_WAIT_TIMEOUT_MS, type OpenDatabaseOptions } from "./options.ts";
import { redactUrl } from "./url.ts";

/** Connects to the server at `url` (waiting for it), creates the schema, returns the handle. */
export async function openPostgres(url: string, schemaName: string, opts: OpenDatabaseOptions, log: Logger): Promise<DatabaseHandle> {
  const client = postgres(url, {
    max: opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    connect_timeout: 10,
    // `CREATE … IF NOT EXISTS` notices would otherwise go to the console.
    onnotice: (notice) => log.debug({ notice: notice.message }, "postgres notice"),
    connection: { search_path: schemaName, application_name: opts.applicationName ?? `cairn-${schemaName}` },
  });
  try {
    await retryWithBackoff(() => client`select 1`, {
      what: `postgres ${redactUrl(url)}`,
      timeoutMs: opts.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
      signal: opts.signal,
      logger: log,
    });
  } catch (err) {
    await client.end({ timeout: 0 }).catch(() => undefined);
    if (opts.signal?.aborted) throw err;
    throw new CairnError("db.unavailable", "postgres did not accept connections in time", {
      status: ErrorStatus.Unavailable,
      data: { url: redactUrl(url) },
      cause: err,
    });
  }
  await client.unsafe(`create schema if not exists "${schemaName}"`);
  const db: CairnDb = drizzle({ client });
  let closed = false;
  return {
    db,
    kind: "postgres",
    schemaName,
    async ping() {
      await client`select 1`;
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.end({ timeout: 5 });
    },
  };
}
