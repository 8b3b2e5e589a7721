/**
 * Rebuild of the block store from the in-process bus log: the rebuilt store equals the one built
 * live (same blocks by id and height, same head chain, same transaction index), progress is
 * reported, and the rebuild refuses to empty a store the stream cannot fully restore.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { ReplayProgress } from "@cairn/core";
import { createMemoryBroker, createMemoryEventBus, Subjects, type EventBus } from "@cairn/bus";
import { DrizzleBlockStore, MIGRATIONS_FOLDER } from "@cairn/block-store";
import { openTestDatabase, type TestDatabase } from "@cairn/db/testing";
import { blockAcceptMessage } from "../events/block-messages.ts";
import { RebuildError, rebuildBlockStore } from "./block-store.ts";
import { acceptedHeight, memoryReplayBounds } from "./replay-bounds.ts";
import { dumpStore, liveScenario, type LiveScenario } from "./testing/chain-scenario.ts";

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function database(): Promise<TestDatabase> {
  const db = await openTestDatabase("pglite://memory", { migrationsFolder: MIGRATIONS_FOLDER });
  cleanup.push(() => db.dispose());
  return db;
}

async function memoryBus(broker = createMemoryBroker()): Promise<EventBus> {
  const bus = createMemoryEventBus({ broker });
  await bus.start();
  cleanup.push(() => bus.close());
  return bus;
}

describe("rebuildBlockStore (in-process bus)", () => {
  let scenario: LiveScenario;
  let broker: ReturnType<typeof createMemoryBroker>;
  let bus: EventBus;
  let live: Awaited<ReturnType<typeof dumpStore>>;

  test("the store rebuilt in place equals the one built live; progress is reported", async () => {
    broker = createMemoryBroker();
    bus = await memoryBus(broker);
    const db = await database();
    scenario = await liveScenario(bus, db);
    live = await dumpStore(scenario.store, scenario);
    expect(scenario.blocks).toHaveLength(14);
    expect(scenario.blocks.filter((b) => !b.head)).toHaveLength(3); // 6′, 7′, 8′ arrive while the first chain leads
    expect(live.highest?.height).toBe(11n);
    expect(live.headChain).toHaveLength(11);
    expect(live.blocks.every((b) => b?.block !== undefined && b.receipt !== undefined)).toBe(true);
    const shared = live.transactions.find((tx) => tx.containingBlocks.length === 2);
    expect(shared).toBeDefined();

    const bounds = memoryReplayBounds(broker);
    expect(bounds).toMatchObject({ count: 14, firstHeight: 1n });
    const reports: ReplayProgress[] = [];
    const store = new DrizzleBlockStore(db.db);
    const result = await rebuildBlockStore(store, bus, bounds, { progressIntervalMs: 0, onProgress: (p) => reports.push(p) });
    expect(result).toMatchObject({ messages: 14, stored: 14, duplicates: 0, invalid: 0 });
    expect(result.highest?.height).toBe(11n);
    expect(await dumpStore(store, scenario)).toEqual(live);
    expect(reports.map((r) => r.done)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    expect(reports.every((r) => r.total === 14)).toBe(true);
    expect(reports.at(-1)!.secondsLeft).toBe(0);
  });

  test("a rebuild into an empty database (another schema) gives the same store", async () => {
    const store = new DrizzleBlockStore((await database()).db);
    await rebuildBlockStore(store, bus, memoryReplayBounds(broker));
    expect(await dumpStore(store, scenario)).toEqual(live);
  });

  test("the replay ends at the last message measured; later blocks are left to the live consumer", async () => {
    const bounds = memoryReplayBounds(broker);
    const extra = scenario.t.block([]);
    await bus.publishMany([blockAcceptMessage(extra, { ...scenario.blocks[0]!.receipt, id: extra.id, height: 12n })]);
    const store = new DrizzleBlockStore((await database()).db);
    const result = await rebuildBlockStore(store, bus, bounds);
    expect(result.messages).toBe(14);
    expect((await store.getBlocksById([extra.id], { block: false, receipt: false }))[0]).toBeUndefined();
  });
});

describe("rebuildBlockStore refuses what it cannot restore", () => {
  test("a stream that no longer starts at block 1 leaves the store untouched unless forced", async () => {
    // A log that kept only the newest messages: block 1's have been dropped.
    const source = createMemoryBroker();
    const sourceBus = await memoryBus(source);
    const scenario = await liveScenario(sourceBus, await database());
    const trimmed = createMemoryBroker();
    const bus = await memoryBus(trimmed);
    for (let seq = source.log.firstSequence; seq <= source.log.lastSequence; seq++) {
      const entry = source.log.get(seq)!;
      if (entry.subject !== Subjects.blockAccept || acceptedHeight(entry.data) !== 1n) await bus.publish(entry.subject, entry.data);
    }
    const bounds = memoryReplayBounds(trimmed);
    expect(bounds.count).toBe(13);
    expect(bounds.firstHeight).toBe(2n);
    await expect(rebuildBlockStore(scenario.store, bus, bounds)).rejects.toThrow(RebuildError);
    expect((await scenario.store.getHighestBlock())?.height).toBe(11n);

    const forced = await rebuildBlockStore(scenario.store, bus, bounds, { force: true });
    expect(forced.stored).toBe(13);
    expect(await scenario.store.getBlocksById([scenario.blocks[0]!.block.id], { block: false, receipt: false })).toEqual([undefined]);
  });

  test("an empty stream leaves the store untouched unless forced", async () => {
    const broker = createMemoryBroker();
    const bus = await memoryBus(broker);
    const db = await database();
    const store = new DrizzleBlockStore(db.db);
    const scenario = await liveScenario(await memoryBus(), db);
    const bounds = memoryReplayBounds(broker);
    expect(bounds).toEqual({ count: 0, firstSequence: 0, lastSequence: 0 });
    await expect(rebuildBlockStore(store, bus, bounds)).rejects.toThrow(/holds no koinos.block.accept/);
    expect((await store.getHighestBlock())?.height).toBe(11n);
    expect(await rebuildBlockStore(store, bus, bounds, { force: true })).toMatchObject({ messages: 0, stored: 0, highest: undefined });
    expect(scenario.blocks).toHaveLength(14);
  });

  test("an aborted rebuild rejects with the abort reason", async () => {
    const broker = createMemoryBroker();
    const bus = await memoryBus(broker);
    const db = await database();
    await liveScenario(bus, db);
    const abort = new AbortController();
    const store = new DrizzleBlockStore(db.db);
    const rebuild = rebuildBlockStore(store, bus, memoryReplayBounds(broker), { signal: abort.signal, progressIntervalMs: 0, onProgress: (p) => p.done === 3 && abort.abort(new Error("stop")) });
    await expect(rebuild).rejects.toThrow("stop");
  });
});
