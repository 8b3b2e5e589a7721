/**
 * The Postgres driver: a postgres.js pool wrapped by `drizzle-orm/postgres-js`. Every connection
 * starts with `search_path` set to the service's schema (a startup parameter, so pooled
 * connections opened later get it too). With a read URL, a second pool on the streaming replica
 * serves `readDb`.
 */
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import { CairnError, ErrorStatus, retryWithBackoff, type Logger } from "@cairn/core";
import type { CairnDb, DatabaseHandle } from "./handle.ts";
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_WAIT_TIMEOUT_MS, type OpenDatabaseOptions } from "./options.ts";
import { permanentPostgresError } from "./postgres-errors.ts";
import { redactUrl } from "./url.ts";

/** Connects to the server at `url` (and the replica at `readUrl`), creates the schema on the primary, returns the handle. */
export async function openPostgres(url: string, schemaName: string, opts: OpenDatabaseOptions, log: Logger, readUrl?: string): Promise<DatabaseHandle> {
  const applicationName = opts.applicationName ?? `cairn-${schemaName}`;
  const client = await connect(url, schemaName, applicationName, opts, log);
  let replica: postgres.Sql | undefined;
  try {
    await client.unsafe(`create schema if not exists "${schemaName}"`);
    if (readUrl !== undefined) {
      replica = await connect(readUrl, schemaName, `${applicationName}-read`, opts, log);
      log.info({ url: redactUrl(readUrl) }, "read replica open");
    }
  } catch (err) {
    await client.end({ timeout: 0 }).catch(() => undefined);
    throw err;
  }
  const db: CairnDb = drizzle({ client });
  const readDb: CairnDb = replica === undefined ? db : drizzle({ client: replica });
  let closed = false;
  return {
    db,
    readDb,
    hasReadReplica: replica !== undefined,
    kind: "postgres",
    schemaName,
    async ping() {
      await client`select 1`;
      if (replica !== undefined) await replica`select 1`;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([client.end({ timeout: 5 }), replica?.end({ timeout: 5 })]);
    },
  };
}

/** A pool on `url` once the server accepts connections (waiting with backoff up to `waitTimeoutMs`). */
async function connect(url: string, schemaName: string, applicationName: string, opts: OpenDatabaseOptions, log: Logger): Promise<postgres.Sql> {
  const client = postgres(url, {
    max: opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    connect_timeout: 10,
    // `CREATE … IF NOT EXISTS` notices would otherwise go to the console.
    onnotice: (notice) => log.debug({ notice: notice.message }, "postgres notice"),
    connection: { search_path: schemaName, application_name: applicationName, ...(opts.synchronousCommit === false ? { synchronous_commit: "off" } : {}) },
  });
  try {
    await retryWithBackoff(() => client`select 1`, {
      what: `postgres ${redactUrl(url)}`,
      timeoutMs: opts.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
      signal: opts.signal,
      logger: log,
      // A missing database or a wrong password stops at once; only what may pass is waited for.
      retryable: (err) => permanentPostgresError(err, url) === undefined,
    });
  } catch (err) {
    await client.end({ timeout: 0 }).catch(() => undefined);
    if (opts.signal?.aborted) throw err;
    const permanent = permanentPostgresError(err, url);
    if (permanent) throw permanent;
    throw new CairnError("db.unavailable", "postgres did not accept connections in time", {
      status: ErrorStatus.Unavailable,
      data: { url: redactUrl(url) },
      cause: err,
    });
  }
  return client;
}
