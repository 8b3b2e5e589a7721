/**
 * The embedded driver: PGlite (Postgres compiled to WASM, in this process) wrapped by
 * `drizzle-orm/pglite`. All handles on one data directory, and all handles on `pglite://memory`,
 * share one instance per process, each in its own schema (see `pglite-shared.ts`); the in-memory
 * database is dropped when its last handle closes.
 *
 * Starting an instance runs `initdb` (1.5–3 s, more on a busy machine) unless the data directory
 * already holds a database, which reopens in ~0.2 s.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import type { Logger } from "@cairn/core";
import type { CairnDb, DatabaseHandle } from "./handle.ts";
import { acquireShared, releaseShared } from "./pglite-shared.ts";

/** Registry key of the in-memory instance (cannot collide with a resolved path). */
const MEMORY_KEY = "\0memory";

/** Postgres type oid of `bytea`. */
const BYTEA_OID = 17;

/**
 * bytea through Buffer's native hex codec: PGlite's own converters go byte by byte in JS, which
 * made a 300 KB block take ~100 ms to write (about 3.5× slower than this).
 */
const byteaCodecs = {
  parsers: { [BYTEA_OID]: (x: string) => new Uint8Array(Buffer.from(x.slice(2), "hex")) },
  serializers: { [BYTEA_OID]: (x: Uint8Array) => "\\x" + Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString("hex") },
};

async function createInstance(dir: string | undefined): Promise<PGlite> {
  if (dir !== undefined) mkdirSync(dir, { recursive: true });
  const pg = dir === undefined ? new PGlite(byteaCodecs) : new PGlite(dir, byteaCodecs);
  await pg.waitReady;
  return pg;
}

/** Opens (or joins) the PGlite instance of `dataDir` (in memory when undefined) in `schemaName`. */
export async function openPglite(dataDir: string | undefined, schemaName: string, log: Logger): Promise<DatabaseHandle> {
  const started = performance.now();
  const dir = dataDir === undefined ? undefined : resolve(dataDir);
  const key = dir ?? MEMORY_KEY;
  const shared = await acquireShared(key, () => createInstance(dir));
  try {
    await shared.run(schemaName, () => shared.pg.exec(`create schema if not exists "${schemaName}"`));
  } catch (err) {
    await releaseShared(key, shared);
    throw err;
  }
  log.debug({ dataDir: dir ?? "memory", sharedBy: shared.refs, ms: Math.round(performance.now() - started) }, "pglite ready");
  const client = shared.clientFor(schemaName);
  // drizzle calls only `query` and `transaction`, which the per-schema client provides.
  const db: CairnDb = drizzle({ client: client as PGlite });
  let closed = false;
  return {
    db,
    readDb: db,
    hasReadReplica: false,
    kind: "pglite",
    schemaName,
    async ping() {
      await client.query("select 1");
    },
    async close() {
      if (closed) return;
      closed = true;
      await releaseShared(key, shared);
    },
  };
}
