/**
 * Read/write splitting against a real streaming replica that the test starts (initdb +
 * pg_basebackup, both on loopback): `readDb` reads the replica, `db` writes the primary, and the
 * replica only shows what it has replayed. Runs under CI=true always.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { silentLogger } from "@cairn/core";
import { openDatabase } from "./open-database.ts";
import type { DatabaseHandle } from "./handle.ts";
import { executeRows } from "./rows.ts";
import { type StreamingReplica, startStreamingReplica, streamingReplicaAvailable } from "./testing/index.ts";

const available = streamingReplicaAvailable();
let pair: StreamingReplica;
let handle: DatabaseHandle;

beforeAll(async () => {
  if (!available) return;
  pair = await startStreamingReplica();
  handle = await openDatabase(pair.primaryUrl, { logger: silentLogger(), schemaName: "replica_test", readUrl: pair.replicaUrl });
  await handle.db.execute(sql`create table items (id int primary key, name text not null)`);
  await pair.waitForReplay();
}, 120_000);

afterAll(async () => {
  await handle?.close();
  await pair?.stop();
}, 60_000);

const names = async (db: DatabaseHandle["db"]) => (await executeRows<{ name: string }>(db, sql`select name from items order by id`)).map((r) => r.name);

describe.skipIf(!available)("a handle with a read replica", () => {
  test("readDb is the replica: it reports recovery, rejects writes, and sees replicated rows", async () => {
    expect(handle.hasReadReplica).toBe(true);
    const [primary] = await executeRows<{ standby: boolean }>(handle.db, sql`select pg_is_in_recovery() as standby`);
    const [replica] = await executeRows<{ standby: boolean }>(handle.readDb, sql`select pg_is_in_recovery() as standby`);
    expect(primary!.standby).toBe(false);
    expect(replica!.standby).toBe(true);
    const refused = await (async () => await handle.readDb.execute(sql`insert into items values (99, 'nope')`))().catch((e: Error) => e);
    expect(String((refused as Error & { cause?: Error }).cause?.message)).toContain("read-only transaction");
    await handle.db.execute(sql`insert into items values (1, 'first')`);
    await pair.waitForReplay();
    expect(await names(handle.readDb)).toEqual(["first"]);
  }, 60_000);

  test("while replay is paused the replica lags the primary, and catches up when it resumes", async () => {
    await pair.pauseReplay();
    try {
      await handle.db.execute(sql`insert into items values (2, 'second')`);
      expect(await names(handle.db)).toEqual(["first", "second"]);
      await Bun.sleep(300);
      expect(await names(handle.readDb)).toEqual(["first"]);
    } finally {
      await pair.resumeReplay();
    }
    await pair.waitForReplay();
    expect(await names(handle.readDb)).toEqual(["first", "second"]);
  }, 60_000);

  test("ping checks both servers; opening waits for the replica as for the primary", async () => {
    await handle.ping();
    const other = await openDatabase(pair.primaryUrl, { logger: silentLogger(), schemaName: "replica_test", readUrl: pair.replicaUrl.replace(/:\d+\//, ":1/"), waitTimeoutMs: 300 }).catch((e: Error) => e);
    expect(other).toBeInstanceOf(Error);
    expect((other as Error).message).toContain("did not accept connections");
  }, 60_000);

  test("a read URL needs Postgres on both sides", async () => {
    await expect(openDatabase("pglite://memory", { logger: silentLogger(), readUrl: pair.replicaUrl })).rejects.toThrow(/read replica URL/);
    await expect(openDatabase(pair.primaryUrl, { logger: silentLogger(), readUrl: "pglite://memory" })).rejects.toThrow(/read replica URL/);
  });
});
