/** The controller's additions, reads, limits, failures and expiry (in-memory store, fake chain). */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { encodeNonce } from "@cairn/protocol";
import { ACCOUNTS, accepted, makeTx } from "./testing/fixtures.ts";
import { createTestMempool, metricValue } from "./testing/controller.ts";

const ids = (entries: { id: Uint8Array }[]) => entries.map((e) => toHex(e.id));

describe("additions", () => {
  test("keeps arrival order, is idempotent by id, publishes mempool.accept with the payer's pending rc (rc_limits)", async () => {
    const t = await createTestMempool();
    const a = makeTx(1, 1n, { to: 2, rcLimit: 100n });
    const b = makeTx(0, 1n, { rcLimit: 5n });
    const c = makeTx(1, 2n, { to: 3, rcLimit: 50n });
    expect(await t.m.transactionAccepted(accepted(a, { rcUsed: 1n, height: 7n }))).toBe("added");
    expect(await t.m.transactionAccepted(accepted(b, { rcUsed: 1n }))).toBe("added");
    expect(await t.m.transactionAccepted(accepted(c, { rcUsed: 1n }))).toBe("added");
    expect(await t.m.transactionAccepted(accepted(a, { rcUsed: 1n }))).toBe("duplicate");
    expect(ids(t.m.queries.pending(10))).toEqual(ids([a, b, c]));
    expect(ids(t.m.queries.pending(2))).toEqual(ids([a, b]));
    expect(t.published.map((p) => [toHex(p.transaction!.id), p.pending_rc_used, p.height])).toEqual([
      [toHex(a.id), 100n, 7n],
      [toHex(b.id), 5n, 0n],
      [toHex(c.id), 150n, 0n],
    ]);
    expect(await metricValue(t.metrics.accepted)).toBe(3);
    expect(await metricValue(t.metrics.pending)).toBe(3);
  });

  test("two transactions of one account in one block interval are both kept; nonces follow the pending one", async () => {
    const t = await createTestMempool();
    const acct = ACCOUNTS[0]!;
    expect(t.m.queries.pendingNonce(acct)).toEqual(new Uint8Array());
    expect(t.m.queries.checkNonce(acct, encodeNonce(5n))).toBe(true); // nothing pending: the chain decides
    await t.m.transactionAccepted(accepted(makeTx(0, 5n)));
    expect(t.m.queries.pendingNonce(acct)).toEqual(encodeNonce(5n));
    // koinos-mempool: false only when exactly that nonce is pending; order is the chain's to check.
    expect(t.m.queries.checkNonce(acct, encodeNonce(6n))).toBe(true);
    expect(t.m.queries.checkNonce(acct, encodeNonce(5n))).toBe(false);
    expect(t.m.queries.checkNonce(acct, encodeNonce(7n))).toBe(true);
    expect(t.m.queries.checkNonce(acct, encodeNonce(4n))).toBe(true);
    expect(t.m.queries.checkNonce(acct, new Uint8Array([0xff]))).toBe(false);
    expect(await t.m.transactionAccepted(accepted(makeTx(0, 6n)))).toBe("added");
    expect(t.m.queries.pendingNonce(acct)).toEqual(encodeNonce(6n));
    expect(t.m.queries.pendingCount(acct)).toBe(2);
    expect(t.m.queries.checkNonce(acct, encodeNonce(7n))).toBe(true);
  });

  test("the nonce account is the payee when it differs from the payer; rc is reserved on the payer", async () => {
    const t = await createTestMempool();
    await t.m.transactionAccepted(accepted(makeTx(0, 3n, { payee: 1, rcLimit: 40n }), { rcUsed: 1n }));
    expect(t.m.queries.pendingNonce(ACCOUNTS[1]!)).toEqual(encodeNonce(3n));
    expect(t.m.queries.pendingNonce(ACCOUNTS[0]!)).toEqual(new Uint8Array());
    expect(t.m.queries.pendingCount(ACCOUNTS[1]!)).toBe(1);
    expect(t.m.queries.reservedRc(ACCOUNTS[0]!)).toBe(40n);
    expect(t.m.queries.reservedRc(ACCOUNTS[1]!)).toBe(0n);
  });

  test("reserved rc is the sum of pending rc_limits; the pending-resources check is reserved + rc_limit ≤ max", async () => {
    const t = await createTestMempool();
    const payer = ACCOUNTS[2]!;
    expect(t.m.queries.checkResources(payer, 100n, 100n)).toBe(true);
    await t.m.transactionAccepted(accepted(makeTx(2, 1n, { rcLimit: 30n }), { rcUsed: 3n }));
    await t.m.transactionAccepted(accepted(makeTx(2, 2n, { rcLimit: 20n }), { rcUsed: 2n }));
    expect(t.m.queries.reservedRc(payer)).toBe(50n);
    expect(t.m.queries.checkResources(payer, 100n, 50n)).toBe(true);
    expect(t.m.queries.checkResources(payer, 100n, 51n)).toBe(false);
    expect(t.m.queries.checkResources(ACCOUNTS[3]!, 100n, 100n)).toBe(true);
  });

  test("byIds keeps request order and skips unknown ids", async () => {
    const t = await createTestMempool();
    const a = makeTx(0, 1n);
    const b = makeTx(1, 1n);
    await t.m.transactionAccepted(accepted(a));
    await t.m.transactionAccepted(accepted(b));
    expect(ids(t.m.queries.byIds([b.id, makeTx(2, 1n).id, a.id]))).toEqual(ids([b, a]));
  });
});

describe("limits", () => {
  test("a full pool, a full account and a taken nonce reject the new transaction; the free places the chain is told count down to 0", async () => {
    const t = await createTestMempool({ maxPendingTransactions: 3, maxPendingPerAccount: 2 });
    const free = () => t.m.queries.forSubmission({ payer: ACCOUNTS[2]!, payee: ACCOUNTS[2]!, nonce: encodeNonce(1n), ids: [] }).freeSlots;
    expect(free()).toBe(3);
    expect(await t.m.transactionAccepted(accepted(makeTx(0, 1n)))).toBe("added");
    expect(free()).toBe(2);
    expect(await t.m.transactionAccepted(accepted(makeTx(0, 2n)))).toBe("added");
    expect(await t.m.transactionAccepted(accepted(makeTx(0, 3n)))).toBe("account_limit");
    expect(free()).toBe(1);
    expect(await t.m.transactionAccepted(accepted(makeTx(1, 1n)))).toBe("added");
    expect(free()).toBe(0);
    expect(t.m.queries.freeSlots()).toBe(0);
    expect(await t.m.transactionAccepted(accepted(makeTx(2, 1n)))).toBe("pool_full");
    expect(t.m.pool.size).toBe(3);
    expect(free()).toBe(0);
    expect(await metricValue(t.metrics.rejected, { reason: "pool_full" })).toBe(1);
    expect(await metricValue(t.metrics.rejected, { reason: "account_limit" })).toBe(1);

    const u = await createTestMempool();
    await u.m.transactionAccepted(accepted(makeTx(0, 1n)));
    expect(await u.m.transactionAccepted(accepted(makeTx(0, 1n, { to: 1 })))).toBe("nonce_taken");
    expect(u.published).toHaveLength(1);
  });

  test("a payload without a transaction header is rejected as malformed", async () => {
    const t = await createTestMempool();
    const msg = accepted(makeTx(0, 1n));
    msg.transaction!.header = undefined;
    expect(await t.m.transactionAccepted(msg)).toBe("malformed");
    expect(t.m.pool.size).toBe(0);
  });
});

describe("failures and expiry", () => {
  test("transaction.fail removes that transaction only, as koinos-mempool (later nonces wait, then expire)", async () => {
    const t = await createTestMempool();
    const a1 = makeTx(0, 1n);
    const a2 = makeTx(0, 2n);
    const b1 = makeTx(1, 1n);
    for (const x of [a1, a2, b1]) await t.m.transactionAccepted(accepted(x));
    expect(await t.m.transactionFailed(a1.id)).toBe(true);
    expect(ids(t.m.queries.pending(10))).toEqual(ids([a2, b1]));
    expect(await t.m.transactionFailed(a1.id)).toBe(false);
    expect(await metricValue(t.metrics.removed, { reason: "failed" })).toBe(1);
    expect(await metricValue(t.metrics.removed, { reason: "nonce_gap" })).toBe(0);
  });

  test("what the mempool drops without a block is reported failed with its reason; included ones are not", async () => {
    const failed: { id: string; reason: string }[] = [];
    const t = await createTestMempool({ expirationMs: 1_000, maxPendingPerAccount: 1 }, { onFailed: (f) => failed.push({ id: toHex(f.id), reason: f.reason }) });
    const a1 = makeTx(0, 1n);
    const a2 = makeTx(0, 2n);
    await t.m.transactionAccepted(accepted(a1));
    expect(await t.m.transactionAccepted(accepted(a2))).toBe("account_limit");
    expect(failed).toEqual([{ id: toHex(a2.id), reason: "mempool refused the transaction: account limit" }]);
    t.advance(1_001);
    await t.m.sweepExpired();
    expect(failed.map((f) => f.id)).toEqual([toHex(a2.id), toHex(a1.id)]);
    expect(failed[1]!.reason).toStartWith("expired");
  });

  test("the sweep drops transactions older than expirationMs (injected clock)", async () => {
    const t = await createTestMempool({ expirationMs: 1_000 });
    const old = makeTx(0, 1n);
    const young = makeTx(1, 1n);
    await t.m.transactionAccepted(accepted(old));
    t.advance(600);
    await t.m.transactionAccepted(accepted(young));
    t.advance(400);
    expect(await t.m.sweepExpired()).toBe(0); // exactly 1,000 ms old: not older than
    t.advance(1);
    expect(await t.m.sweepExpired()).toBe(1);
    expect(ids(t.m.queries.pending(10))).toEqual(ids([young]));
    t.advance(600);
    expect(await t.m.sweepExpired()).toBe(1);
    expect(await metricValue(t.metrics.removed, { reason: "expired" })).toBe(2);
  });
});

describe("durability", () => {
  test("an addition is committed before transactionAccepted resolves (the bus acknowledges only then)", async () => {
    const t = await createTestMempool();
    const txs = Array.from({ length: 8 }, (_, i) => makeTx(i % 4, BigInt(Math.floor(i / 4) + 1)));
    for (const x of txs) {
      await t.m.transactionAccepted(accepted(x));
      expect((await t.store.load()).pending.map((r) => toHex(r.id))).toContain(toHex(x.id));
    }
    expect((await t.store.load()).pending.map((r) => toHex(r.id))).toEqual(ids(txs));
  });

  test("a failed write rejects (so the event is redelivered), and the redelivery commits it", async () => {
    const t = await createTestMempool();
    const x = makeTx(0, 1n);
    const write = t.store.write.bind(t.store);
    let fail = true;
    t.store.write = async (w) => {
      if (fail) throw new Error("database down");
      return write(w);
    };
    await expect(t.m.transactionAccepted(accepted(x))).rejects.toThrow("database down");
    fail = false;
    expect(await t.m.transactionAccepted(accepted(x))).toBe("duplicate");
    expect((await t.store.load()).pending.map((r) => toHex(r.id))).toEqual([toHex(x.id)]);
  });
});
