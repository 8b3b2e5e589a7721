import { describe, expect, test } from "bun:test";
import type { MempoolChecks } from "@cairn/mempool/client";
import { toHex } from "@cairn/core";
import { protocol, rememberedEncoding } from "@cairn/proto";
import { decodeNonce } from "@cairn/protocol";
import { MemoryChainStore } from "../store/memory-store.ts";
import { type TestChain, createTestChain } from "../testing/harness.ts";

/** A mempool whose answer waits until `open()` is called (after telling `entered`). */
function gatedMempool() {
  let open!: () => void;
  let entered!: () => void;
  const inCheck = new Promise<void>((r) => (entered = r));
  const gate = new Promise<void>((r) => (open = r));
  const checks: MempoolChecks = {
    forSubmission: async () => {
      entered();
      await gate;
      return { reservedRc: 0n, nonceFree: true, pendingNonce: new Uint8Array(), pendingCount: 0, held: new Set() };
    },
    delivery: async () => ({ held: new Set(), failed: new Set() }),
  };
  return { checks, inCheck, open };
}

describe("submission: the payer's rc", () => {
  test("with head state unchanged, a limit of exactly the payer's rc passes the dry run (which reuses the mempool check's figure)", async () => {
    const m = gatedMempool();
    const t = await createTestChain({ mempool: m.checks });
    const payer = t.transfer(0, 1, 1n, 1n).header!.payer;
    const tx = t.transfer(0, 1, 5n, 1n, { rcLimit: t.chain.accountRc(payer) });
    const submitted = t.chain.submitTransaction(tx, true);
    await m.inCheck;
    m.open();
    expect((await submitted).id).toEqual(tx.id);
  });

  test("a block applied while the mempool answers makes the dry run read the payer's rc again", async () => {
    const m = gatedMempool();
    const t = await createTestChain({ mempool: m.checks });
    const payer = t.transfer(0, 1, 1n, 1n).header!.payer;
    // Nonce 2 with the payer's whole rc as its limit; meanwhile a block spends some of it (nonce 1).
    const tx = t.transfer(0, 1, 5n, 2n, { rcLimit: t.chain.accountRc(payer) });
    const submitted = t.chain.submitTransaction(tx, true);
    await m.inCheck;
    await t.produce([t.transfer(0, 2, 1n, 1n)]);
    m.open();
    expect(submitted).rejects.toMatchObject({ rejection: "payer_rc_below_limit" });
    await submitted.catch(() => undefined);
  });
});

describe("submission during a block's commit", () => {
  test("head and head state change together: a submission while the commit is stored counts the block's nonces", async () => {
    const store = new MemoryChainStore();
    let release: (() => void) | undefined;
    let committing!: () => void;
    const inCommit = new Promise<void>((r) => (committing = r));
    const commit = store.commit.bind(store);
    let gated = false;
    store.commit = async (c) => {
      if (gated) {
        committing();
        await new Promise<void>((r) => (release = r));
      }
      return commit(c);
    };
    // The mempool has already dropped the block's transaction (it saw the new head): nothing pending.
    const mempool: MempoolChecks = {
      forSubmission: async () => ({ reservedRc: 0n, nonceFree: true, pendingNonce: new Uint8Array(), pendingCount: 0, held: new Set() }),
      delivery: async () => ({ held: new Set(), failed: new Set() }),
    };
    const t = await createTestChain({ store, mempool });
    const payer = t.transfer(0, 1, 1n, 1n).header!.payer;
    const before = t.chain.head.height;
    gated = true;
    const produced = t.produce([t.transfer(0, 1, 5n, 1n)]);
    await inCommit;
    expect(t.chain.head.height).toBe(before + 1n);
    expect(decodeNonce(t.chain.accountNonce(payer))).toBe(1n);
    const next = t.transfer(0, 1, 5n, 2n);
    expect((await t.chain.submitTransaction(next, true)).id).toEqual(next.id);
    release!();
    await produced;
  });
});

/**
 * A mempool of `capacity` places holding the ids in `pool` (hex): each answer reports its free
 * places as the pool is when asked. `holdNext()` holds the next answer (still that moment's) until
 * its `open()`.
 */
function mempoolWithRoom(capacity: number) {
  const pool = new Set<string>();
  let held: { asked: () => void; gate: Promise<void> } | undefined;
  const checks: MempoolChecks = {
    forSubmission: async ({ ids }) => {
      const answer = { reservedRc: 0n, nonceFree: true, pendingNonce: new Uint8Array(), pendingCount: 0, held: new Set(ids.map(toHex).filter((id) => pool.has(id))), freeSlots: capacity - pool.size };
      const h = held;
      held = undefined;
      if (h) {
        h.asked();
        await h.gate;
      }
      return answer;
    },
    delivery: async (ids) => ({ held: new Set(ids.map(toHex).filter((id) => pool.has(id))), failed: new Set() }),
  };
  const holdNext = () => {
    let open!: () => void;
    let asked!: () => void;
    const inCheck = new Promise<void>((r) => (asked = r));
    held = { asked, gate: new Promise<void>((r) => (open = r)) };
    return { inCheck, open };
  };
  return { checks, pool, holdNext };
}

/** Distinct transactions published as accepted (the audit may publish one again). */
const accepts = (t: TestChain) => new Set(t.events.flatMap((e) => (e.kind === "tx" ? [toHex(e.transaction.id)] : []))).size;

describe("submission: backpressure from the mempool's free places", () => {
  test("a mempool with no free place: the submission is refused with a clear error and nothing is accepted", async () => {
    const m = mempoolWithRoom(0);
    const t = await createTestChain({ mempool: m.checks });
    const refused = await t.chain.submitTransaction(t.transfer(0, 1, 5n, 1n), true).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toBe("too many transactions awaiting the mempool (0 accepted and not yet taken, room for 0 more), try again shortly");
    expect((refused as { code?: string }).code).toBe("chain.pending_transaction_limit_exceeded");
    expect(accepts(t)).toBe(0);
    expect(t.chain.pendingWindowSize).toBe(0);
    // Without broadcast nothing goes to the mempool: no refusal.
    expect((await t.chain.submitTransaction(t.transfer(0, 1, 5n, 1n), false)).id.length).toBeGreaterThan(0);
  });

  test("the window's entries count against the free places until the mempool reports taking them, and the pool's until a block removes them", async () => {
    const m = mempoolWithRoom(2);
    const t = await createTestChain({ mempool: m.checks, chain: { republishAfterMs: 1 } });
    const a = t.transfer(0, 3, 5n, 1n);
    const b = t.transfer(1, 3, 5n, 1n);
    await t.chain.submitTransaction(a, true);
    await t.chain.submitTransaction(b, true);
    // Two accepted, none taken yet: a third would be past the mempool's two places.
    const third = () => t.chain.submitTransaction(t.transfer(2, 3, 5n, 1n), true);
    const first = await third().catch((e: Error) => e);
    expect((first as Error).message).toContain("too many transactions awaiting the mempool (2 accepted and not yet taken, room for 2 more)");
    // The mempool took `a` and the audit saw it: one free place, `b` still on its way to it.
    m.pool.add(toHex(a.id));
    await Bun.sleep(5);
    expect((await t.chain.auditDelivery()).confirmed).toBe(1);
    expect(t.chain.pendingWindowSize).toBe(1);
    const second = await third().catch((e: Error) => e);
    expect((second as Error).message).toContain("too many transactions awaiting the mempool (1 accepted and not yet taken, room for 1 more)");
    expect(accepts(t)).toBe(2);
    // A block includes both and the mempool drops them: room again.
    await t.produce([a, b]);
    m.pool.clear();
    expect(t.chain.pendingWindowSize).toBe(0);
    await third();
    expect(accepts(t)).toBe(3);
  });

  test("an accepted transaction a mempool that is behind has not reached stays in the window past its republishes, and keeps counting against the free places", async () => {
    const m = mempoolWithRoom(1);
    const t = await createTestChain({ mempool: m.checks, chain: { republishAfterMs: 1, maxRepublish: 2 } });
    const a = t.transfer(0, 3, 5n, 1n);
    await t.chain.submitTransaction(a, true);
    // More audits than republishes: the mempool neither holds nor failed `a` (it is behind).
    for (let i = 0; i < 6; i++) {
      await Bun.sleep(10);
      await t.chain.auditDelivery();
    }
    expect(t.events.filter((e) => e.kind === "tx")).toHaveLength(3);
    expect(t.chain.pendingWindowSize).toBe(1);
    const refused = await t.chain.submitTransaction(t.transfer(1, 3, 5n, 1n), true).catch((e: Error) => e);
    expect((refused as Error).message).toContain("too many transactions awaiting the mempool (1 accepted and not yet taken, room for 1 more)");
    // The mempool reaches it: it leaves the window, and the place is the next submission's.
    m.pool.add(toHex(a.id));
    await t.chain.auditDelivery();
    expect(t.chain.pendingWindowSize).toBe(0);
  });

  test("entries that leave the window while the mempool's answer is on its way still count (the pool it measured may not hold them yet)", async () => {
    const m = mempoolWithRoom(2);
    const t = await createTestChain({ mempool: m.checks });
    const a = t.transfer(0, 3, 5n, 1n);
    await t.chain.submitTransaction(a, true);
    // `c` asks while the pool is empty (two free places) and the window holds `a`.
    const hold = m.holdNext();
    const c = t.chain.submitTransaction(t.transfer(2, 3, 5n, 1n), true);
    await hold.inCheck;
    // Meanwhile the mempool takes `a` and a block includes it (the mempool has not applied the
    // block yet: its pool still holds `a`), and `b` is accepted into the mempool's last place.
    m.pool.add(toHex(a.id));
    await t.produce([a]);
    await t.chain.submitTransaction(t.transfer(1, 3, 5n, 1n), true);
    expect(t.chain.pendingWindowSize).toBe(1);
    hold.open();
    // `b` in the window and `a`, which left it while `c` was asked, fill the two places the answer reported.
    const refused = await c.catch((e: Error) => e);
    expect((refused as Error).message).toContain("too many transactions awaiting the mempool (2 accepted and not yet taken, room for 2 more)");
    expect(accepts(t)).toBe(2);
  });
});

describe("submission: the accepted transaction's encoding", () => {
  test("a broadcast submission remembers the transaction's bytes (what encode gives) for the mempool; a dry run remembers nothing", async () => {
    const mempool: MempoolChecks = {
      forSubmission: async () => ({ reservedRc: 0n, nonceFree: true, pendingNonce: new Uint8Array(), pendingCount: 0, held: new Set() }),
      delivery: async () => ({ held: new Set(), failed: new Set() }),
    };
    const t = await createTestChain({ mempool });
    const dry = t.transfer(0, 1, 5n, 1n);
    await t.chain.submitTransaction(dry, false);
    expect(rememberedEncoding(dry)).toBeUndefined();
    const tx = t.transfer(0, 1, 5n, 1n);
    await t.chain.submitTransaction(tx, true);
    expect(rememberedEncoding(tx)).toEqual(protocol.Transaction.encode(tx).finish());
  });
});
