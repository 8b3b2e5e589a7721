/**
 * One contract suite for every MempoolStore: in memory, drizzle on PGlite, drizzle on Postgres
 * (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test, a fresh schema; under CI=true
 * it must run, else it is skipped with a printed notice when the server is unreachable).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { type DatabaseHandle, UINT64_MAX } from "@cairn/db";
import { type TestDatabase, openTestDatabase, testDatabaseUrls } from "@cairn/db/testing";
import { DrizzleMempoolStore } from "./drizzle-store.ts";
import { MIGRATIONS_FOLDER } from "./migrations.ts";
import { MemoryMempoolStore } from "./memory-store.ts";
import { emptySharedDb } from "../testing/shared-db.ts";
import type { MempoolStore, PendingRecord } from "./store.ts";

function record(i: number, extra: Partial<PendingRecord> = {}): PendingRecord {
  const id = new Uint8Array(34);
  id[0] = 0x12;
  id[1] = 0x20;
  new DataView(id.buffer).setUint32(30, i);
  return {
    id,
    payer: new Uint8Array(25).fill(1),
    nonceAccount: new Uint8Array(25).fill(2),
    nonce: BigInt(i),
    rcUsed: 1000n + BigInt(i),
    resources: {
      diskStorageUsed: 1n,
      networkBandwidthUsed: 2n,
      computeBandwidthUsed: 3n,
      systemDiskStorageUsed: 4n,
      systemNetworkBandwidthUsed: 5n,
      systemComputeBandwidthUsed: 6n,
    },
    transaction: new Uint8Array([10, i & 0xff]),
    sequence: BigInt(i),
    receivedAt: 1_700_000_000_000 + i,
    ...extra,
  };
}

/** How a suite gets its store: opened once, emptied (or replaced) before each test. */
interface SuiteSetup {
  open(): Promise<void>;
  /** An empty store for the next test. */
  fresh(): Promise<MempoolStore>;
  close(): Promise<void>;
}

function contractSuite(name: string, setup: SuiteSetup) {
  describe(`MempoolStore contract: ${name}`, () => {
    let store: MempoolStore;
    beforeAll(() => setup.open());
    beforeEach(async () => {
      store = await setup.fresh();
    });
    afterAll(() => setup.close());

    test("an empty store loads nothing", async () => {
      expect(await store.load()).toEqual({ pending: [], progress: undefined });
    });

    test("rows and progress round-trip, in arrival order, with full-range uint64 values", async () => {
      const big = record(3, { rcUsed: UINT64_MAX, resources: { ...record(3).resources, systemComputeBandwidthUsed: UINT64_MAX } });
      await store.write({ upserts: [big, record(1), record(2)], deletes: [], progress: { id: new Uint8Array([1, 2, 3]), height: 42n } });
      const loaded = await store.load();
      expect(loaded.pending).toEqual([record(1), record(2), big]);
      expect(loaded.progress).toEqual({ id: new Uint8Array([1, 2, 3]), height: 42n });
    });

    test("deletes, ignored duplicates and unknown ids, progress overwrite", async () => {
      await store.write({ upserts: [record(1), record(2)], deletes: [] });
      await store.write({ upserts: [record(2, { nonce: 99n }), record(3)], deletes: [record(1).id, record(7).id], progress: { id: new Uint8Array([9]), height: 1n } });
      await store.write({ upserts: [], deletes: [], progress: { id: new Uint8Array([8]), height: 2n } });
      const loaded = await store.load();
      expect(loaded.pending).toEqual([record(2), record(3)]);
      expect(loaded.progress).toEqual({ id: new Uint8Array([8]), height: 2n });
    });

    test("large batches (more rows than one statement takes)", async () => {
      const rows = Array.from({ length: 600 }, (_, i) => record(i + 1));
      await store.write({ upserts: rows, deletes: [] });
      await store.write({ upserts: [], deletes: rows.slice(0, 550).map((r) => r.id) });
      expect((await store.load()).pending.map((r) => r.sequence)).toEqual(rows.slice(550).map((r) => r.sequence));
    });
  });
}

contractSuite("memory", { open: async () => undefined, fresh: async () => new MemoryMempoolStore(), close: async () => undefined });

/** Drizzle suites: the shared PGlite, and Postgres when reachable (always under CI=true). */
const drizzleTargets: { name: string; open(): Promise<DatabaseHandle>; close(db: DatabaseHandle): Promise<void> }[] = [
  { name: "pglite", open: emptySharedDb, close: async () => undefined },
];
for (const target of await testDatabaseUrls()) {
  if (target.kind !== "postgres") continue;
  drizzleTargets.push({ name: target.name, open: () => openTestDatabase(target.url, { migrationsFolder: MIGRATIONS_FOLDER }), close: (db) => (db as TestDatabase).dispose() });
}

for (const target of drizzleTargets) {
  let db: DatabaseHandle;
  const empty = async () => {
    await db.db.execute(sql`delete from pending_transactions`);
    await db.db.execute(sql`delete from progress`);
    return new DrizzleMempoolStore(db.db);
  };
  contractSuite(`drizzle on ${target.name}`, {
    async open() {
      db = await target.open();
    },
    fresh: empty,
    close: () => target.close(db),
  });

  describe(`DrizzleMempoolStore on ${target.name}`, () => {
    beforeAll(async () => {
      db = await target.open();
    });
    afterAll(() => target.close(db));

    test("a write is atomic: a bad row rolls back the deletes and progress before it", async () => {
      const store = await empty();
      await store.write({ upserts: [record(1)], deletes: [], progress: { id: new Uint8Array([1]), height: 1n } });
      const bad = record(2, { rcUsed: -1n });
      await expect(store.write({ upserts: [bad], deletes: [record(1).id], progress: { id: new Uint8Array([2]), height: 2n } })).rejects.toThrow();
      expect(await store.load()).toEqual({ pending: [record(1)], progress: { id: new Uint8Array([1]), height: 1n } });
    });
  });
}
