/**
 * The dev node's storage on a database: Postgres (`--database-url`) or PGlite under the data
 * directory (`--data DIR`), one instance for every service, each in its own schema, migrated; the
 * units build their Drizzle stores on the handles. Snapshots copy the tables (`snapshots.ts`).
 */
import { join, resolve } from "node:path";
import type { Logger } from "@cairn/core";
import { type DatabaseHandle, openDatabase, parseDatabaseUrl } from "@cairn/db";
import * as chainSvc from "@cairn/chain";
import * as blockStoreSvc from "@cairn/block-store";
import * as mempoolSvc from "@cairn/mempool";
import * as historySvc from "@cairn/account-history";
import { createDatabaseSnapshots } from "./snapshots.ts";
import type { DevStorage } from "./storage.ts";

/** The URL of the dev node's database: `databaseUrl`, else PGlite under `<dataDir>/pglite`. */
export function devDatabaseUrl(opts: { databaseUrl?: string; dataDir: string }): string {
  return opts.databaseUrl || `pglite://${resolve(join(opts.dataDir, "pglite"))}`;
}

/** Opens (and migrates) the four services' schemas on `url`; closes what it opened on failure. */
export async function openDatabaseStorage(url: string, logger: Logger): Promise<DevStorage> {
  const opened: DatabaseHandle[] = [];
  const close = async () => {
    for (const db of opened.reverse()) await db.close().catch((e) => logger.error({ err: String(e) }, "closing a database failed"));
    opened.length = 0;
  };
  try {
    const open = async (m: { MIGRATIONS_FOLDER: string; SCHEMA_NAME: string }): Promise<DatabaseHandle> => {
      const db = await openDatabase(url, { logger, schemaName: m.SCHEMA_NAME, migrationsFolder: m.MIGRATIONS_FOLDER });
      opened.push(db);
      return db;
    };
    const chain = await open(chainSvc);
    const blockStore = await open(blockStoreSvc);
    const mempool = await open(mempoolSvc);
    const accountHistory = await open(historySvc);
    const kind = parseDatabaseUrl(url).kind;
    return {
      kind,
      stores: () => ({ chain: { db: chain }, blockStore: { db: blockStore }, mempool: { db: mempool }, accountHistory: { db: accountHistory } }),
      snapshots: createDatabaseSnapshots(chain.db, [chain, blockStore, mempool, accountHistory].map((d) => d.schemaName)),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
