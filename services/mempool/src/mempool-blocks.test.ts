/** The controller and blocks: removal, gaps, fork switches, re-delivery, catch-up, failed writes. */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { ZERO_ID } from "@cairn/protocol";
import { FakeChain, accepted, makeTx } from "./testing/fixtures.ts";
import { createTestMempool, metricValue } from "./testing/controller.ts";

const ids = (entries: { id: Uint8Array }[]) => entries.map((e) => toHex(e.id));
const block = FakeChain.accepted;

describe("head blocks", () => {
  test("a head block removes its transactions and stale nonces; progress commits in the same write", async () => {
    const t = await createTestMempool();
    await t.m.catchUp();
    expect(t.m.lastApplied).toEqual({ id: ZERO_ID, height: 0n });
    const a1 = makeTx(0, 1n, { to: 1 });
    const a2 = makeTx(0, 2n, { to: 1 });
    const b1 = makeTx(1, 1n);
    const c1 = makeTx(2, 1n);
    const c1other = makeTx(2, 1n, { to: 3 }); // same nonce, another transaction
    for (const x of [a1, a2, b1, c1]) await t.m.transactionAccepted(accepted(x));
    const writes = t.store.writes;
    const b = t.chain.extend([a1, b1, c1other]);
    await t.m.blockAccepted(block(b));
    expect(ids(t.m.queries.pending(10))).toEqual(ids([a2]));
    expect(t.m.lastApplied).toEqual({ id: b.id, height: 1n });
    expect(t.store.writes).toBe(writes + 1);
    const stored = await t.store.load();
    expect(stored.pending.map((r) => toHex(r.id))).toEqual(ids([a2]));
    expect(stored.progress).toEqual({ id: b.id, height: 1n });
    expect(await metricValue(t.metrics.removed, { reason: "included" })).toBe(2);
    expect(await metricValue(t.metrics.removed, { reason: "stale_nonce" })).toBe(1);
  });

  test("a side-fork block changes nothing; a re-delivered head block changes nothing", async () => {
    const t = await createTestMempool();
    await t.m.catchUp();
    const a = makeTx(0, 1n);
    const b = makeTx(1, 1n);
    await t.m.transactionAccepted(accepted(a));
    const head1 = t.chain.extend([]);
    await t.m.blockAccepted(block(head1));
    const side = t.chain.block([a], undefined);
    await t.m.blockAccepted(block(side, false));
    expect(ids(t.m.queries.pending(10))).toEqual(ids([a]));
    const head2 = t.chain.extend([b]);
    await t.m.blockAccepted(block(head2));
    await t.m.transactionAccepted(accepted(b)); // re-delivered accept of an included transaction…
    await t.m.blockAccepted(block(head2)); // …goes again with the re-delivered block
    await t.m.transactionAccepted(accepted(a));
    expect(ids(t.m.queries.pending(10))).toEqual(ids([a]));
    expect(t.m.lastApplied?.height).toBe(2n);
    expect(t.chain.calls.blocksByHeight).toBe(0);
  });

  test("an older re-delivered block removes re-added transactions only when it is on the branch", async () => {
    const t = await createTestMempool();
    await t.m.catchUp();
    const a = makeTx(0, 1n);
    const b = makeTx(1, 1n);
    const b1 = t.chain.extend([a]);
    const orphan = t.chain.block([b], undefined);
    t.chain.extend([]);
    const b3 = t.chain.extend([]);
    for (const x of [b1, t.chain.blocks.get(toHex(b3.header!.previous))!, b3]) await t.m.blockAccepted(block(x));
    await t.m.transactionAccepted(accepted(a));
    await t.m.transactionAccepted(accepted(b));
    await t.m.blockAccepted(block(b1));
    await t.m.blockAccepted(block(orphan));
    expect(ids(t.m.queries.pending(10))).toEqual(ids([b]));
    expect(t.m.lastApplied?.id).toEqual(b3.id);
  });

  test("a head block whose parent is not the last applied one fills the gap from the block source", async () => {
    const t = await createTestMempool();
    await t.m.catchUp();
    const a = makeTx(0, 1n);
    const b = makeTx(1, 1n);
    const c = makeTx(2, 1n);
    for (const x of [a, b, c]) await t.m.transactionAccepted(accepted(x));
    t.chain.extend([a]);
    t.chain.extend([]);
    const b3 = t.chain.extend([b]);
    await t.m.blockAccepted(block(b3));
    expect(ids(t.m.queries.pending(10))).toEqual(ids([c]));
    expect(t.m.lastApplied).toEqual({ id: b3.id, height: 3n });
    expect(t.chain.calls.blocksByHeight).toBe(1);
    expect(t.chain.calls.accountNonce).toBe(0); // a gap, not a fork
  });

  test("a fork switch re-reads the new branch, brings back the abandoned branch's transactions and re-validates nonces", async () => {
    const t = await createTestMempool();
    await t.m.catchUp();
    const x1 = makeTx(0, 1n);
    const x2 = makeTx(0, 2n);
    const z1 = makeTx(1, 1n);
    const z2 = makeTx(1, 2n);
    const w1 = makeTx(2, 1n);
    const v1 = makeTx(3, 1n);
    for (const x of [x1, x2, z1, z2, w1, v1]) await t.m.transactionAccepted(accepted(x));
    const common = t.chain.extend([]);
    await t.m.blockAccepted(block(common));
    const oldHead = t.chain.extend([x1]);
    await t.m.blockAccepted(block(oldHead));
    expect(ids(t.m.queries.pending(10))).toEqual(ids([x2, z1, z2, w1, v1]));
    // The new branch leaves x1 out (it comes back, so x2 can still follow it) and includes z1 and w1.
    const n2 = t.chain.block([w1], common);
    t.chain.tip = n2;
    const n3 = t.chain.extend([z1]);
    await t.m.blockAccepted(block(n2, false));
    await t.m.blockAccepted(block(n3));
    expect(ids(t.m.queries.pending(10))).toEqual(ids([x2, z2, v1, x1]));
    expect(t.m.lastApplied).toEqual({ id: n3.id, height: 3n });
    expect(t.chain.calls.accountNonce).toBeGreaterThan(0);
    expect(await metricValue(t.metrics.removed, { reason: "nonce_gap" })).toBe(0);
    expect((await t.store.load()).progress?.id).toEqual(n3.id);
  });

  test("a fork switch to a block at the same height (block-time fork choice) is detected", async () => {
    const t = await createTestMempool();
    await t.m.catchUp();
    const a = makeTx(0, 1n);
    const a2 = makeTx(0, 2n);
    await t.m.transactionAccepted(accepted(a));
    await t.m.transactionAccepted(accepted(a2));
    const b1 = t.chain.extend([]);
    await t.m.blockAccepted(block(b1));
    await t.m.blockAccepted(block(t.chain.extend([a])));
    expect(ids(t.m.queries.pending(10))).toEqual(ids([a2]));
    t.chain.tip = t.chain.block([], b1);
    await t.m.blockAccepted(block(t.chain.tip));
    // a, in the abandoned block only, is pending again, and a2 still follows it.
    expect(ids(t.m.queries.pending(10))).toEqual(ids([a2, a]));
    expect(t.m.lastApplied?.id).toEqual(t.chain.tip.id);
  });
});

describe("catch-up and failures", () => {
  test("at start: loads the pending set and removes what blocks since the last applied one include", async () => {
    const first = await createTestMempool();
    await first.m.catchUp();
    const a = makeTx(0, 1n);
    const b = makeTx(1, 1n);
    await first.m.transactionAccepted(accepted(a));
    await first.m.transactionAccepted(accepted(b));
    const b1 = first.chain.extend([]);
    await first.m.blockAccepted(block(b1));
    await first.m.close();
    // While the mempool is down the chain moves on.
    first.chain.extend([a]);
    const b3 = first.chain.extend([]);
    const second = await createTestMempool({}, { store: first.store, chain: first.chain });
    expect(ids(second.m.queries.pending(10))).toEqual(ids([a, b]));
    expect(second.m.lastApplied?.id).toEqual(b1.id);
    await second.m.catchUp();
    expect(ids(second.m.queries.pending(10))).toEqual(ids([b]));
    expect((await second.store.load()).progress).toEqual({ id: b3.id, height: 3n });
    expect(second.published).toHaveLength(0);
  });

  test("catch-up retries while the chain or block store is unreachable", async () => {
    const t = await createTestMempool();
    await t.m.catchUp();
    await t.m.transactionAccepted(accepted(makeTx(0, 1n)));
    t.chain.extend([makeTx(0, 1n, { to: 1 })]);
    t.chain.failures = 1;
    await t.m.catchUp();
    expect(t.m.pool.size).toBe(0);
    expect(t.m.lastApplied?.height).toBe(1n);
  });

  test("a failed block write rejects (the bus redelivers) and the redelivery commits it", async () => {
    const t = await createTestMempool();
    await t.m.catchUp();
    const a = makeTx(0, 1n);
    await t.m.transactionAccepted(accepted(a));
    await t.m.flush();
    const b1 = t.chain.extend([a]);
    t.store.failNextWrite = new Error("disk full");
    await expect(t.m.blockAccepted(block(b1))).rejects.toThrow("disk full");
    expect(t.m.lastApplied?.height).toBe(0n);
    await t.m.blockAccepted(block(b1));
    expect(t.m.lastApplied?.height).toBe(1n);
    const stored = await t.store.load();
    expect(stored.pending).toHaveLength(0);
    expect(stored.progress?.id).toEqual(b1.id);
  });

  test("an empty pending set skips the block source entirely", async () => {
    const t = await createTestMempool();
    await t.m.catchUp();
    t.chain.extend([]);
    const b2 = t.chain.extend([makeTx(0, 1n)]);
    await t.m.blockAccepted(block(b2));
    expect(t.chain.calls.blocksByHeight).toBe(0);
    expect(t.m.lastApplied?.id).toEqual(b2.id);
  });
});

describe("fork switch with nothing pending", () => {
  test("the abandoned branch's transactions come back even when the pending set was empty, and are announced", async () => {
    const t = await createTestMempool();
    await t.m.catchUp();
    const x = makeTx(0, 1n);
    await t.m.transactionAccepted(accepted(x));
    const common = t.chain.extend([]);
    await t.m.blockAccepted(block(common));
    await t.m.blockAccepted(block(t.chain.extend([x])));
    expect(t.m.pool.size).toBe(0);
    const announced = t.published.length;
    const n2 = t.chain.block([], common);
    t.chain.tip = n2;
    const n3 = t.chain.extend([]);
    await t.m.blockAccepted(block(n2, false));
    await t.m.blockAccepted(block(n3));
    expect(ids(t.m.queries.pending(10))).toEqual(ids([x]));
    expect(t.published.slice(announced).map((p) => toHex(p.transaction!.id))).toEqual([toHex(x.id)]);
  });
});

describe("resync with the chain head", () => {
  test("a head block whose accept never arrived is caught up from the block store on the second check; a head one check old is left to the bus", async () => {
    const t = await createTestMempool();
    await t.m.catchUp();
    const a = makeTx(0, 1n);
    const b = makeTx(1, 1n);
    await t.m.transactionAccepted(accepted(a));
    await t.m.transactionAccepted(accepted(b));
    const b1 = t.chain.extend([a]);
    await t.m.blockAccepted(block(b1));
    const b2 = t.chain.extend([b]); // its koinos.block.accept is lost
    expect(await t.m.resync()).toBe(false); // maybe on its way
    expect(ids(t.m.queries.pending(10))).toEqual(ids([b]));
    expect(await t.m.resync()).toBe(true);
    expect(t.m.lastApplied).toEqual({ id: b2.id, height: 2n });
    expect(ids(t.m.queries.pending(10))).toEqual([]);
    // Up to date: nothing to do.
    expect(await t.m.resync()).toBe(false);
    expect(await t.m.resync()).toBe(false);
  });

  test("the head arriving between two checks resets the count", async () => {
    const t = await createTestMempool();
    await t.m.catchUp();
    const b1 = t.chain.extend([]);
    expect(await t.m.resync()).toBe(false);
    await t.m.blockAccepted(block(b1)); // delivered after all
    expect(await t.m.resync()).toBe(false);
    const b2 = t.chain.extend([]);
    expect(await t.m.resync()).toBe(false);
    expect(await t.m.resync()).toBe(true);
    expect(t.m.lastApplied?.height).toBe(b2.header!.height);
  });
});
