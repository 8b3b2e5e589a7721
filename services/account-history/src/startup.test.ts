/**
 * Start-up: a node started after the chain moved on catches up from the block source
 * before any event; one whose block source is down at start keeps serving and catches up once it
 * returns.
 */
import { describe, expect, test } from "bun:test";
import { cleanupAfterAll } from "@cairn/test-utils";
import { type EventBus, createMemoryEventBus } from "@cairn/bus";
import { openTestDatabase, type TestDatabase } from "@cairn/db/testing";
import { rebuildAccountHistory } from "./rebuild-history.ts";
import { DrizzleAccountHistoryStore } from "./store/drizzle-store.ts";
import { MIGRATIONS_FOLDER } from "./store/migrations.ts";
import { type SourcedChain, createSourcedChain, dumpReadModel, startTestUnit } from "./testing/index.ts";

const cleanup = cleanupAfterAll();

async function database(): Promise<TestDatabase> {
  const db = await openTestDatabase("pglite://memory", { migrationsFolder: MIGRATIONS_FOLDER });
  cleanup.push(() => db.dispose());
  return db;
}

async function bus(): Promise<EventBus> {
  const b = createMemoryEventBus();
  await b.start();
  cleanup.push(() => b.close());
  return b;
}

async function produce(c: SourcedChain, from: bigint, to: bigint): Promise<void> {
  for (let i = from; i <= to; i++) await c.t.produce([c.t.transfer(Number(i % 4n), Number((i + 1n) % 4n), i, (i - 1n) / 4n + 1n)]);
}

async function reference(c: SourcedChain, lib: bigint) {
  const db = await database();
  const store = new DrizzleAccountHistoryStore(db.db);
  await store.setLib(lib);
  await rebuildAccountHistory(store, c.source, { head: c.t.chain.head });
  return dumpReadModel(db.db);
}

describe("start-up", () => {
  test("catch-up on start: blocks applied before any event arrives, LIB from the chain", async () => {
    const c = await createSourcedChain({ chain: { irreversibleThreshold: 3 } });
    await produce(c, 1n, 12n);
    const db = await database();
    const h = await startTestUnit({ db: db, bus: await bus(), blocks: c.source, chain: c.reads, batchSize: 5 });
    cleanup.push(() => h.stop());
    const p = await h.unit.store.progress();
    expect(p.head.height).toBe(12n);
    expect(p.lib).toBe(9n);
    expect(await h.metric("cairn_account_history_blocks_applied_total", { source: "catch_up" })).toBe(12);
    expect(await dumpReadModel(db.db)).toEqual(await reference(c, 9n));
  });

  test("a block source that is down at start: the node serves, then catches up in the background", async () => {
    const c = await createSourcedChain();
    await produce(c, 1n, 4n);
    c.source.failWith = new Error("block store down");
    const db = await database();
    const h = await startTestUnit({ db: db, bus: await bus(), blocks: c.source, chain: c.reads });
    cleanup.push(() => h.stop());
    expect((await h.client.getAccountHistory({ address: c.t.dev.producerAddress, limit: 10n, ascending: true, irreversible: false })).values).toEqual([]);
    c.source.failWith = undefined;
    await h.waitForHead(c.t.chain.head);
    expect(await dumpReadModel(db.db)).toEqual(await reference(c, 0n));
  });
});
