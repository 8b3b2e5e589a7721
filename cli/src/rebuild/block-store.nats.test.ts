/**
 * Rebuild of the block store from a real JetStream stream (a throwaway stream and subject prefix
 * on `NATS_URL`, default nats://127.0.0.1:4222): the bounds come from the server and the rebuilt
 * store equals the one built live. Under `CI=true` a missing server fails the file; elsewhere the
 * test is skipped with a printed notice (architecture §8).
 */
import { describe, expect, test } from "bun:test";
import { cleanupAfterAll } from "@cairn/test-utils";
import { silentLogger } from "@cairn/core";
import { createNatsEventBus, type NatsEventBusOptions } from "@cairn/bus";
import { deleteNatsStream, natsTestTarget, throwawayNatsOptions } from "@cairn/bus/testing";
import { DrizzleBlockStore, MIGRATIONS_FOLDER } from "@cairn/block-store";
import { openTestDatabase } from "@cairn/db/testing";
import { rebuildBlockStore } from "./block-store.ts";
import { natsReplayBounds } from "./nats-bounds.ts";
import { dumpStore, liveScenario } from "./testing/chain-scenario.ts";

const target = await natsTestTarget();
const cleanup = cleanupAfterAll({ ignoreErrors: true });

describe.skipIf(!target.available)("rebuildBlockStore (NATS JetStream)", () => {
  test("the store rebuilt from the stream equals the one built live", async () => {
    const options: NatsEventBusOptions = throwawayNatsOptions(target.url);
    cleanup.push(() => deleteNatsStream(target.url, options.stream!));
    const bus = createNatsEventBus({ ...options, storage: "memory" }, { logger: silentLogger() });
    await bus.start();
    cleanup.push(() => bus.close());
    const liveDb = await openTestDatabase("pglite://memory", { migrationsFolder: MIGRATIONS_FOLDER });
    cleanup.push(() => liveDb.dispose());
    const scenario = await liveScenario(bus, liveDb);
    const live = await dumpStore(scenario.store, scenario);
    expect(live.highest?.height).toBe(11n);

    const bounds = await natsReplayBounds({ url: target.url, stream: options.stream, subjectPrefix: options.subjectPrefix });
    expect(bounds).toMatchObject({ count: 14, firstHeight: 1n });
    expect(bounds.lastSequence).toBeGreaterThan(bounds.firstSequence);

    const db = await openTestDatabase("pglite://memory", { migrationsFolder: MIGRATIONS_FOLDER });
    cleanup.push(() => db.dispose());
    const store = new DrizzleBlockStore(db.db);
    const result = await rebuildBlockStore(store, bus, bounds);
    expect(result).toMatchObject({ messages: 14, stored: 14, duplicates: 0, invalid: 0 });
    expect(await dumpStore(store, scenario)).toEqual(live);
  });
});
