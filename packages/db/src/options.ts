/** Options of `openDatabase`, with their defaults. */
import type { Logger } from "@cairn/core";

/** How to open a service's database. */
export interface OpenDatabaseOptions {
  /** Where connection, wait and migration events are logged (a `module: "db"` child is made). */
  logger: Logger;
  /**
   * Postgres schema holding this service's tables (`chain`, `block_store`, …); created if missing
   * and put alone on `search_path`, so unqualified table names resolve there and nowhere else.
   * Default `public`. Must match `[a-z_][a-z0-9_]*`.
   */
  schemaName?: string;
  /**
   * drizzle-kit migrations folder to apply right after opening (see `runMigrations`). Default:
   * none, the caller runs migrations itself.
   */
  migrationsFolder?: string;
  /**
   * A Postgres streaming replica of the same database (`postgres://…`) for read queries: the
   * handle's `readDb` connects there, with the same schema on `search_path`, and is never
   * migrated or written. Default: none, `readDb` is the primary. Only with a Postgres `url`.
   */
  readUrl?: string;
  /** Aborts the wait for the Postgres server at start. */
  signal?: AbortSignal;
  /**
   * How long to wait for the Postgres server at start, in ms, retrying with backoff. Default
   * 60 000: long enough for a database container started alongside to accept connections, short
   * enough that a wrong URL stops the service visibly.
   */
  waitTimeoutMs?: number;
  /** postgres.js pool size. Default 10 (a service mostly runs one block transaction at a time). */
  maxConnections?: number;
  /** `application_name` shown in `pg_stat_activity`. Default `cairn-<schemaName>`. */
  applicationName?: string;
  /**
   * false: this handle's commits return before their WAL reaches the disk (Postgres
   * `synchronous_commit = off` on its connections). A crash may then lose the last commits (up to
   * about three WAL-writer delays, 600 ms by default), each whole, never part of one: for a job
   * that is rerun after a crash anyway (a rebuild), it saves a disk flush per transaction.
   * Default true. Postgres only (PGlite has no WAL flush to skip).
   */
  synchronousCommit?: boolean;
}

/** Default of `OpenDatabaseOptions.waitTimeoutMs`. */
export const DEFAULT_WAIT_TIMEOUT_MS = 60_000;
/** Default of `OpenDatabaseOptions.maxConnections`. */
export const DEFAULT_MAX_CONNECTIONS = 10;
