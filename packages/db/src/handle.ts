/**
 * What `openDatabase` hands to a service: one drizzle instance typed the same whichever driver is
 * underneath, plus lifecycle. Services write their stores once against `CairnDb`.
 */
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { DatabaseKind } from "./url.ts";

/**
 * The drizzle database every service uses: the pg-core query builder (`select`, `insert`,
 * `update`, `delete`, `transaction`, `execute`) over postgres.js or PGlite. Raw `execute` results
 * differ between drivers; read rows with `executeRows` instead.
 */
export type CairnDb = PgDatabase<PgQueryResultHKT, Record<string, never>>;

/** The `tx` passed to `db.transaction(async (tx) => …)`; it is itself a `CairnDb`. */
export type CairnTransaction = PgTransaction<PgQueryResultHKT, Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;

/** An open database. */
export interface DatabaseHandle {
  /** The drizzle instance; every query runs in `schemaName` (it is first on `search_path`). */
  readonly db: CairnDb;
  /**
   * Where read-only queries that may lag the primary go: the streaming replica opened from
   * `OpenDatabaseOptions.readUrl`, or `db` itself when there is none. It sees the same schema
   * (replicated from the primary's migrations) and rejects writes. What it returns may be a few
   * commits behind `db`: use it for lookups that tolerate that, and `db` for anything a write
   * depends on.
   */
  readonly readDb: CairnDb;
  /** True when `readDb` is a separate replica connection, false when it is `db`. */
  readonly hasReadReplica: boolean;
  /** Which driver the URL selected. */
  readonly kind: DatabaseKind;
  /** The Postgres schema holding this service's tables and its migrations table. */
  readonly schemaName: string;
  /** Resolves when the database (and the read replica, if any) answers `select 1`; rejects otherwise (readiness checks). */
  ping(): Promise<void>;
  /** Closes the pools / the embedded instance. Idempotent. */
  close(): Promise<void>;
}
