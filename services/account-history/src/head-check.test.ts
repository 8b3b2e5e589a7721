/**
 * The head check: a node whose bus stopped delivering block events (here: a bus nobody publishes
 * on, as after a durable consumer vanished) catches up from the block store on its periodic
 * comparison with the chain head, and ends identical to a rebuild; with the check off it stays
 * where start-up left it. On real NATS JetStream (NATS_URL; required under CI=true, skipped with a
 * notice otherwise): the node's durable consumer is deleted on the server while blocks keep coming.
 */
import { describe, expect, test } from "bun:test";
import { cleanupAfterAll, waitUntil } from "@cairn/test-utils";
import { silentLogger } from "@cairn/core";
import { type EventBus, createMemoryEventBus, createNatsEventBus } from "@cairn/bus";
import { deleteNatsConsumer, deleteNatsStream, natsTestTarget, throwawayNatsOptions } from "@cairn/bus/testing";
import { openTestDatabase, type TestDatabase } from "@cairn/db/testing";
import { rebuildAccountHistory } from "./rebuild-history.ts";
import { DrizzleAccountHistoryStore } from "./store/drizzle-store.ts";
import { MIGRATIONS_FOLDER } from "./store/migrations.ts";
import { EventFeed, type SourcedChain, createSourcedChain, dumpReadModel, startTestUnit } from "./testing/index.ts";

const nats = await natsTestTarget();
const cleanup = cleanupAfterAll();

async function database(): Promise<TestDatabase> {
  const db = await openTestDatabase("pglite://memory", { migrationsFolder: MIGRATIONS_FOLDER });
  cleanup.push(() => db.dispose());
  return db;
}

/** A started bus on a broker of its own: no block event ever reaches it. */
async function silentBus(): Promise<EventBus> {
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

describe("head check", () => {
  test("a node that receives no block events catches up from the block store", async () => {
    const c = await createSourcedChain({ chain: { irreversibleThreshold: 3 } });
    await produce(c, 1n, 3n);
    const db = await database();
    const h = await startTestUnit({ db: db, bus: await silentBus(), blocks: c.source, chain: c.reads, batchSize: 4, resyncMs: 50 });
    cleanup.push(() => h.stop());
    expect((await h.unit.store.progress()).head.height).toBe(3n); // start-up catch-up
    await produce(c, 4n, 14n);
    await h.waitForHead(c.t.chain.head, 11n);
    expect(await h.metric("cairn_account_history_resyncs_total")).toBeGreaterThanOrEqual(1);
    expect(await h.metric("cairn_account_history_chain_head_height")).toBe(14);
    expect(await h.metric("cairn_account_history_head_height")).toBe(14);
    expect(await h.metric("cairn_account_history_blocks_applied_total", { source: "catch_up" })).toBe(14);
    expect(await h.metric("cairn_account_history_blocks_applied_total", { source: "event" })).toBe(0);
    expect(await dumpReadModel(db.db)).toEqual(await reference(c, 11n));

    // It keeps following: more blocks, still no events.
    await produce(c, 15n, 20n);
    await h.waitForHead(c.t.chain.head, 17n);
    expect(await dumpReadModel(db.db)).toEqual(await reference(c, 17n));
  });

  test("a head check that finds the node up to date does nothing", async () => {
    const c = await createSourcedChain();
    await produce(c, 1n, 5n);
    const db = await database();
    const h = await startTestUnit({ db: db, bus: await silentBus(), blocks: c.source, chain: c.reads, resyncMs: 20 });
    cleanup.push(() => h.stop());
    await waitUntil(async () => (await h.metric("cairn_account_history_chain_head_height")) === 5, 10_000, () => "a head check");
    await Bun.sleep(200);
    expect(await h.metric("cairn_account_history_resyncs_total")).toBe(0);
    expect(await h.metric("cairn_account_history_blocks_applied_total", { source: "catch_up" })).toBe(5);
  });

  test("with the head check off (resyncMs 0) the same node stays behind", async () => {
    const c = await createSourcedChain();
    await produce(c, 1n, 3n);
    const db = await database();
    const h = await startTestUnit({ db: db, bus: await silentBus(), blocks: c.source, chain: c.reads, resyncMs: 0 });
    cleanup.push(() => h.stop());
    await produce(c, 4n, 8n);
    await Bun.sleep(500);
    expect((await h.unit.store.progress()).head.height).toBe(3n);
    expect(await h.metric("cairn_account_history_resyncs_total")).toBe(0);
  });

  test.skipIf(!nats.available)("NATS JetStream: a durable consumer deleted on the server, then the head check catches up", async () => {
    const options = { ...throwawayNatsOptions(nats.url), ackWaitMs: 2_000 };
    cleanup.push(() => deleteNatsStream(nats.url, options.stream!));
    const started = async () => {
      const b = createNatsEventBus(options, { logger: silentLogger() });
      await b.start();
      cleanup.push(() => b.close());
      return b;
    };
    const c = await createSourcedChain({ chain: { irreversibleThreshold: 3 } });
    const feed = new EventFeed(c.t, await started());
    const producePublished = async (from: bigint, to: bigint) => {
      for (let i = from; i <= to; i++) {
        await c.t.produce([c.t.transfer(Number(i % 4n), Number((i + 1n) % 4n), i, (i - 1n) / 4n + 1n)]);
        await feed.flush();
      }
    };
    const db = await database();
    const durable = "account_history_head_check";
    const h = await startTestUnit({ db: db, bus: await started(), blocks: c.source, chain: c.reads, durable, resyncMs: 200 });
    cleanup.push(() => h.stop());
    await producePublished(1n, 4n);
    await h.waitForHead(c.t.chain.head);
    expect(await h.metric("cairn_account_history_blocks_applied_total", { source: "event" })).toBe(4);

    expect(await deleteNatsConsumer(nats.url, options.stream!, durable)).toBe(true);
    await producePublished(5n, 12n);
    await h.waitForHead(c.t.chain.head, 9n);
    expect(await h.metric("cairn_account_history_resyncs_total")).toBeGreaterThanOrEqual(1);
    expect(await h.metric("cairn_account_history_blocks_applied_total", { source: "catch_up" })).toBeGreaterThanOrEqual(1);
    expect(await dumpReadModel(db.db)).toEqual(await reference(c, 9n));
  });
});
