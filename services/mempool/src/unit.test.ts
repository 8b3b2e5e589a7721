/** The assembled unit: restart on the same data directory, catch-up at start, redelivery, the sweep. */
import { describe, expect, test } from "bun:test";
import { waitUntil } from "@cairn/test-utils";
import { toHex } from "@cairn/core";
import { createMemoryEventBus } from "@cairn/bus";
import { FakeChain, makeTx } from "./testing/fixtures.ts";
import { startTestUnit } from "./testing/unit.ts";
import { emptySharedDb, reopenSharedDb } from "./testing/shared-db.ts";

describe("mempool unit", () => {
  test("a restart on the same data directory keeps the pending set, then catches up with blocks made while down", async () => {
    const bus = createMemoryEventBus();
    const chain = new FakeChain();
    const [a, b, c] = [makeTx(0, 1n), makeTx(1, 1n), makeTx(2, 1n)];

    const db1 = await emptySharedDb();
    const first = await startTestUnit({ db: db1, bus, chain });
    for (const tx of [a, b, c]) await first.publishTx(tx);
    const b1 = chain.extend([a]);
    await first.publishBlock(b1);
    await waitUntil(() => first.unit.controller.lastApplied?.height === 1n);
    await first.unit.stop();
    await first.unit.stop(); // idempotent

    // While the mempool is down the chain includes b.
    chain.extend([]);
    const b3 = chain.extend([b]);
    const db2 = await reopenSharedDb(); // the same data directory, as after a process restart
    const second = await startTestUnit({ db: db2, bus, chain });
    expect(second.unit.controller.queries.pending(10).map((e) => e.idHex)).toEqual([toHex(c.id)]);
    expect(second.unit.controller.lastApplied).toEqual({ id: b3.id, height: 3n });
    expect((await second.unit.store.load()).progress).toEqual({ id: b3.id, height: 3n });

    // Accepts re-delivered after the catch-up applied their blocks are known as included and not
    // re-added (the blocks' own re-delivery would remove them again otherwise); a new one after
    // them (handled in log order) is added.
    const d = makeTx(3, 1n);
    for (const tx of [a, b]) await second.publishTx(tx);
    await second.publishBlock(b1);
    await second.publishBlock(b3);
    await second.publishTx(d);
    await waitUntil(() => second.published.length === 1, 5_000, () => `published ${second.published.length}`);
    expect(second.published.map((p) => toHex(p.transaction!.id))).toEqual([toHex(d.id)]);
    expect(second.unit.controller.queries.pending(10).map((e) => e.idHex)).toEqual([toHex(c.id), toHex(d.id)]);
    expect(second.unit.controller.lastApplied?.height).toBe(3n);
    await second.unit.stop();
    await bus.close();
  }, 120_000);

  test("a handler that fails (block store down on a gap) is redelivered and applied once", async () => {
    const db = await emptySharedDb();
    const t = await startTestUnit({ db });
    const a = makeTx(3, 1n);
    await t.publishTx(a);
    t.chain.extend([a]);
    const b2 = t.chain.extend([]);
    t.chain.failures = 2;
    await t.publishBlock(b2); // parent unknown to the mempool: gap fill fails twice, then succeeds
    await waitUntil(() => t.unit.controller.lastApplied?.height === 2n);
    expect(t.unit.controller.pool.size).toBe(0);
    expect(t.chain.calls.blocksByHeight).toBe(3);
    await t.unit.stop();
    await t.bus.close();
  }, 120_000);

  test("without a gRPC server; the expiry sweep runs on its own timer", async () => {
    const db = await emptySharedDb();
    let clock = 5_000_000;
    const t = await startTestUnit({ db, options: { grpcPort: null, expirationMs: 100 }, now: () => clock });
    expect(t.port).toBeUndefined();
    await t.publishTx(makeTx(4, 1n));
    await waitUntil(() => t.unit.controller.pool.size === 1);
    clock += 101;
    await waitUntil(() => t.unit.controller.pool.size === 0);
    await t.unit.stop();
    expect((await t.unit.store.load()).pending).toEqual([]);
    await t.bus.close();
  }, 120_000);

  test("catch-up at start on an empty store records the chain head without reading blocks", async () => {
    const db = await emptySharedDb();
    const chain = new FakeChain();
    chain.extend([]);
    const head = chain.extend([]);
    const t = await startTestUnit({ db, chain, options: { grpcPort: null } });
    expect(t.unit.controller.lastApplied).toEqual({ id: head.id, height: 2n });
    expect(chain.calls.blocksByHeight).toBe(0);
    await t.unit.stop();
    await t.bus.close();
  }, 120_000);
});
