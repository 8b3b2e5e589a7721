/**
 * Durable delivery: a consumer closed while blocks keep coming, then restarted,
 * ends identical to one that never stopped — receiving what it missed from its durable consumer
 * (its block source and chain are down after the restart, so nothing else can fill the gap). Two
 * instances sharing the durable consumer and the database apply each block exactly once.
 * Runs on the in-process bus with PGlite, and on real NATS JetStream with Postgres (NATS_URL,
 * DATABASE_URL; required under CI=true, skipped with a notice otherwise).
 */
import { describe, expect, test } from "bun:test";
import { cleanupAfterAll } from "@cairn/test-utils";
import { silentLogger } from "@cairn/core";
import { type EventBus, createMemoryBroker, createMemoryEventBus, createNatsEventBus } from "@cairn/bus";
import { deleteNatsStream, natsTestTarget, throwawayNatsOptions } from "@cairn/bus/testing";
import { type DatabaseHandle, openDatabase } from "@cairn/db";
import { openTestDatabase, postgresTestUrl, type TestDatabase } from "@cairn/db/testing";
import { rebuildAccountHistory } from "./rebuild-history.ts";
import { DrizzleAccountHistoryStore } from "./store/drizzle-store.ts";
import type { HistoryBlocks, HistoryChain } from "./ports.ts";
import { MIGRATIONS_FOLDER } from "./store/migrations.ts";
import { EventFeed, type SourcedChain, createSourcedChain, dumpReadModel, startTestUnit } from "./testing/index.ts";

const nats = await natsTestTarget();
const postgres = await postgresTestUrl();
const cleanup = cleanupAfterAll({ ignoreErrors: true });

/** Makes a fresh bus client on one shared log (a "process" connecting to the same server). */
type BusFactory = () => EventBus;

function memoryBuses(): BusFactory {
  const broker = createMemoryBroker();
  return () => createMemoryEventBus({ broker });
}

function natsBuses(url: string): BusFactory {
  // A message the server handed to a consumer just as it closed stays unacknowledged until the ack
  // wait passes (as for a consumer that died), holding back a maxAckPending-1 durable: keep it short.
  const options = { ...throwawayNatsOptions(url), ackWaitMs: 2_000 };
  cleanup.push(() => deleteNatsStream(url, options.stream!));
  return () => createNatsEventBus(options, { logger: silentLogger() });
}

/** A block source and chain that can be switched off. */
function switchable(c: SourcedChain): { blocks: HistoryBlocks; chain: HistoryChain; down: { value: boolean } } {
  const down = { value: false };
  const check = () => {
    if (down.value) throw new Error("unreachable");
  };
  return {
    down,
    blocks: {
      blocksWithReceiptsByHeight: async (...a) => (check(), c.source.blocksWithReceiptsByHeight(...a)),
      idsByHeight: async (...a) => (check(), c.source.idsByHeight(...a)),
      highest: async () => (check(), c.source.highest()),
    },
    chain: { headInfo: async () => (check(), c.reads.headInfo()) },
  };
}

async function started(make: BusFactory): Promise<EventBus> {
  const bus = make();
  await bus.start();
  cleanup.push(() => bus.close());
  return bus;
}

async function database(url = "pglite://memory"): Promise<TestDatabase> {
  const db = await openTestDatabase(url, { migrationsFolder: MIGRATIONS_FOLDER });
  cleanup.push(() => db.dispose());
  return db;
}

async function killAndRestart(make: BusFactory): Promise<void> {
  const c = await createSourcedChain({ chain: { irreversibleThreshold: 3 } });
  const publisher = await started(make);
  const feed = new EventFeed(c.t, publisher);
  let height = 0n;
  const produce = async (n: number) => {
    for (let i = 0; i < n; i++) {
      height++;
      const from = Number(height % 4n);
      await c.t.produce([c.t.transfer(from, (from + 1) % 4, height, (height - 1n) / 4n + 1n)]);
      await feed.flush();
    }
  };

  const dbA = await database();
  const a = await startTestUnit({ db: dbA, bus: await started(make), blocks: c.source, chain: c.reads, durable: "account_history_a" });
  cleanup.push(() => a.stop());
  const dbB = await database();
  const deps = switchable(c);
  const busB1 = await started(make);
  const b1 = await startTestUnit({ db: dbB, bus: busB1, blocks: deps.blocks, chain: deps.chain, durable: "account_history_b" });

  await produce(8);
  await a.waitForHead(c.t.chain.head);
  await b1.waitForHead(c.t.chain.head);

  // B is killed; blocks keep coming; A keeps up.
  await b1.stop();
  await busB1.close();
  await produce(12);
  await a.waitForHead(c.t.chain.head);
  expect((await b1.unit.store.progress()).head.height).toBe(8n);

  // B comes back with no block store and no chain: only its durable consumer can bring it up to date.
  deps.down.value = true;
  const b2 = await startTestUnit({ db: dbB, bus: await started(make), blocks: deps.blocks, chain: deps.chain, durable: "account_history_b" });
  cleanup.push(() => b2.stop());
  await produce(5);
  await a.waitForHead(c.t.chain.head, 22n);
  await b2.waitForHead(c.t.chain.head, 22n);
  expect(await b2.metric("cairn_account_history_blocks_applied_total", { source: "event" })).toBe(17);
  expect(await b2.metric("cairn_account_history_blocks_applied_total", { source: "catch_up" })).toBe(0);
  const [dumpA, dumpB] = [await dumpReadModel(dbA.db), await dumpReadModel(dbB.db)];
  expect(dumpA.blocks).toHaveLength(25);
  expect(dumpB).toEqual(dumpA);
}

describe("a consumer killed while blocks keep coming", () => {
  test("in-process bus: the restarted consumer ends identical to one that never stopped", () => killAndRestart(memoryBuses()));

  test.skipIf(!nats.available)("NATS JetStream: the restarted consumer ends identical to one that never stopped", () => killAndRestart(natsBuses(nats.url)));
});

/** Two nodes, one durable consumer, one database (two connection pools on Postgres). */
async function twoInstances(make: BusFactory, url: string): Promise<void> {
  const c = await createSourcedChain({ chain: { irreversibleThreshold: 4 } });
  const publisher = await started(make);
  const feed = new EventFeed(c.t, publisher);
  const db = await database(url);
  let second: DatabaseHandle = db;
  if (db.kind === "postgres") {
    const handle = await openDatabase(url, { logger: silentLogger(), schemaName: db.schemaName });
    cleanup.push(() => handle.close());
    second = handle;
  }
  const produce = async (from: bigint, to: bigint) => {
    for (let i = from; i <= to; i++) {
      const sender = Number(i % 4n);
      await c.t.produce([c.t.transfer(sender, (sender + 1) % 4, i, (i - 1n) / 4n + 1n)]);
      await feed.flush();
    }
  };
  // Ten blocks before they start (both catch up at once, racing), ten while they run.
  await produce(1n, 10n);
  const [busOne, busTwo] = [await started(make), await started(make)];
  const [one, two] = await Promise.all([
    startTestUnit({ db: db, bus: busOne, blocks: c.source, chain: c.reads, batchSize: 3 }),
    startTestUnit({ db: second, bus: busTwo, blocks: c.source, chain: c.reads, batchSize: 3 }),
  ]);
  cleanup.push(() => one.stop(), () => two.stop());
  await produce(11n, 20n);
  await one.waitForHead(c.t.chain.head, 16n);
  const handled = (await one.metric("cairn_account_history_events_total", { subject: "koinos.block.accept" })) + (await two.metric("cairn_account_history_events_total", { subject: "koinos.block.accept" }));
  const applied = (await one.metric("cairn_account_history_blocks_applied_total")) + (await two.metric("cairn_account_history_blocks_applied_total"));
  expect({ handled, applied }).toEqual({ handled: 10, applied: 20 }); // the durable consumer starts with "new"
  // Equal to the history rebuilt from the head's branch alone.
  const ref = await database();
  const store = new DrizzleAccountHistoryStore(ref.db);
  await store.setLib(16n);
  await rebuildAccountHistory(store, c.source, { head: c.t.chain.head });
  expect(await dumpReadModel(db.db)).toEqual(await dumpReadModel(ref.db));
}

describe("two instances sharing the durable consumer and the database", () => {
  test("in-process bus and PGlite: each block applied once", () => twoInstances(memoryBuses(), "pglite://memory"));

  test.skipIf(!nats.available || !postgres)("NATS JetStream and Postgres: each block applied once", () => twoInstances(natsBuses(nats.url), postgres!));
});
