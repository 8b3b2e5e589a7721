/**
 * The delivery audit (controller/delivery-audit.ts): a transaction whose accept the bus lost, or
 * that a mempool behind has not reached yet, is published again with growing spacing and stays in
 * the pending window until the mempool holds it, fails it, a block includes it, or — past
 * `deliveryTimeoutMs` — the chain publishes its failure; a full pending window refuses
 * submissions; the head's block.accept is published again when the block store stays behind the
 * head.
 */
import { describe, expect, test } from "bun:test";
import { silentLogger, toHex } from "@cairn/core";
import type { MempoolChecks } from "@cairn/mempool/client";
import { protocol } from "@cairn/proto";
import type { BlockRef } from "@cairn/protocol";
import { type DeliveryAuditOptions, DeliveryAudit } from "./controller/delivery-audit.ts";
import { PendingWindow } from "./controller/pending-window.ts";
import type { ForkTreeEntry } from "./fork-tree.ts";
import { createTestChain } from "./testing/harness.ts";

/** A mempool holding exactly the ids in `held` and having failed those in `failed` (hex). */
function mempoolHolding(held: Set<string>, failed = new Set<string>()): MempoolChecks {
  return {
    forSubmission: async ({ ids }) => ({ reservedRc: 0n, nonceFree: true, pendingNonce: new Uint8Array(), pendingCount: 0, held: new Set(ids.map(toHex).filter((id) => held.has(id))) }),
    delivery: async (ids) => ({ held: new Set(ids.map(toHex).filter((id) => held.has(id))), failed: new Set(ids.map(toHex).filter((id) => failed.has(id) && !held.has(id))) }),
  };
}

const accepts = (t: { events: { kind: string }[] }) => t.events.filter((e) => e.kind === "tx").length;
const fails = (t: { events: { kind: string }[] }) => t.events.filter((e): e is { kind: "fail"; id: Uint8Array; reason: string } => e.kind === "fail");

describe("delivery audit: transactions", () => {
  test("an accept the mempool never received is published again, and the transaction leaves the window once the mempool holds it", async () => {
    const held = new Set<string>();
    const t = await createTestChain({ mempool: mempoolHolding(held), chain: { republishAfterMs: 1 } });
    const tx = t.transfer(0, 1, 5n, 1n);
    await t.chain.submitTransaction(tx, true);
    expect(accepts(t)).toBe(1);
    await Bun.sleep(5);
    const first = await t.chain.auditDelivery();
    expect(first).toMatchObject({ confirmed: 0, republished: 1 });
    expect(accepts(t)).toBe(2);
    expect(t.chain.pendingWindowSize).toBe(1);
    held.add(toHex(tx.id));
    await Bun.sleep(5);
    expect(await t.chain.auditDelivery()).toMatchObject({ confirmed: 1, republished: 0 });
    expect(t.chain.pendingWindowSize).toBe(0);
    expect(accepts(t)).toBe(2);
  });

  test("an accept younger than republishAfterMs is left alone", async () => {
    // A wide margin, so a slow machine cannot age it past the threshold between submit and audit.
    const t = await createTestChain({ mempool: mempoolHolding(new Set()), chain: { republishAfterMs: 60_000 } });
    await t.chain.submitTransaction(t.transfer(0, 1, 5n, 1n), true);
    expect(await t.chain.auditDelivery()).toMatchObject({ confirmed: 0, republished: 0 });
    expect(accepts(t)).toBe(1);
    expect(t.chain.pendingWindowSize).toBe(1);
  });

  test("a transaction the mempool failed (refused it: its koinos.transaction.fail is out) leaves the window, not published again", async () => {
    const failed = new Set<string>();
    const t = await createTestChain({ mempool: mempoolHolding(new Set(), failed), chain: { republishAfterMs: 1 } });
    const tx = t.transfer(0, 1, 5n, 1n);
    await t.chain.submitTransaction(tx, true);
    failed.add(toHex(tx.id));
    await Bun.sleep(5);
    expect(await t.chain.auditDelivery()).toMatchObject({ confirmed: 0, failed: 1, republished: 0, expired: 0 });
    expect(t.chain.pendingWindowSize).toBe(0);
    expect(accepts(t)).toBe(1);
    // The mempool published the failure: the chain publishes none of its own.
    expect(fails(t)).toHaveLength(0);
  });

  test("a transaction the mempool neither took nor failed within deliveryTimeoutMs: the chain publishes koinos.transaction.fail and drops it", async () => {
    const t = await createTestChain({ mempool: mempoolHolding(new Set()), chain: { republishAfterMs: 1, deliveryTimeoutMs: 40 } });
    const tx = t.transfer(0, 1, 5n, 1n);
    await t.chain.submitTransaction(tx, true);
    await Bun.sleep(50);
    expect(await t.chain.auditDelivery()).toMatchObject({ republished: 0, expired: 1 });
    expect(t.chain.pendingWindowSize).toBe(0);
    expect(fails(t).map((f) => [toHex(f.id), f.reason])).toEqual([[toHex(tx.id), "expired: the mempool did not take the transaction within 40 ms of its acceptance"]]);
    // Gone from the window: the next audit publishes nothing more for it.
    expect(await t.chain.auditDelivery()).toMatchObject({ republished: 0, expired: 0 });
    expect(fails(t)).toHaveLength(1);
  });

  test("a failure the bus does not store leaves the transaction in the window for the next audit", async () => {
    let busDown = true;
    const stored: string[] = [];
    const t = await createTestChain({
      mempool: mempoolHolding(new Set()),
      chain: { republishAfterMs: 1, deliveryTimeoutMs: 20 },
      events: {
        transactionExpired: async ({ id }) => {
          if (busDown) throw new Error("bus unavailable");
          stored.push(toHex(id));
        },
      },
    });
    const tx = t.transfer(0, 1, 5n, 1n);
    await t.chain.submitTransaction(tx, true);
    await Bun.sleep(30);
    expect((await t.chain.auditDelivery()).expired).toBe(0);
    expect(t.chain.pendingWindowSize).toBe(1);
    busDown = false;
    expect((await t.chain.auditDelivery()).expired).toBe(1);
    expect(stored).toEqual([toHex(tx.id)]);
    expect(t.chain.pendingWindowSize).toBe(0);
  });

  test("a block that includes the transaction ends its audit", async () => {
    const t = await createTestChain({ mempool: mempoolHolding(new Set()), chain: { republishAfterMs: 1 } });
    const tx = t.transfer(0, 1, 5n, 1n);
    await t.chain.submitTransaction(tx, true);
    await t.produce([tx]);
    await Bun.sleep(5);
    expect((await t.chain.auditDelivery()).republished).toBe(0);
    expect(t.chain.pendingWindowSize).toBe(0);
  });

  test("a full pending window refuses submissions with a clear error, and takes them again once the mempool confirms", async () => {
    const held = new Set<string>();
    const t = await createTestChain({ mempool: mempoolHolding(held), chain: { republishAfterMs: 1, pendingWindowSize: 1 } });
    const first = t.transfer(0, 1, 5n, 1n);
    await t.chain.submitTransaction(first, true);
    const refused = await t.chain.submitTransaction(t.transfer(1, 2, 5n, 1n), true).catch((e: Error) => e);
    expect(String((refused as Error).message)).toContain("too many transactions awaiting the mempool (1)");
    expect((refused as { code?: string }).code).toBe("chain.pending_transaction_limit_exceeded");
    held.add(toHex(first.id));
    await Bun.sleep(5);
    await t.chain.auditDelivery();
    await t.chain.submitTransaction(t.transfer(1, 2, 5n, 1n), true);
    expect(accepts(t)).toBe(2);
  });
});

describe("delivery audit: a mempool that is behind (on a clock of its own)", () => {
  const opts: DeliveryAuditOptions = { republishAfterMs: 1_000, maxRepublish: 5, deliveryTimeoutMs: 60_000, graceMs: 10_000, maxPerAudit: 2_000 };

  /** An audit over a window on a test clock; the mempool answers from `held` and `failed` (hex). */
  async function setup(o: DeliveryAuditOptions = opts) {
    const t = await createTestChain();
    const clock = { ms: 0 };
    const window = new PendingWindow(o.graceMs, 100, () => clock.ms);
    const held = new Set<string>();
    const failed = new Set<string>();
    const republishedAt: number[] = [];
    const failures: { id: string; reason: string; at: number }[] = [];
    const audit = new DeliveryAudit(o, {
      window,
      mempool: mempoolHolding(held, failed),
      head: () => ({ height: 0n }) as ForkTreeEntry,
      headBlock: () => undefined,
      publishTransaction: async () => void republishedAt.push(clock.ms),
      publishHeadAccept: async () => {},
      publishFailure: async (id, reason) => void failures.push({ id: toHex(id), reason, at: clock.ms }),
      logger: silentLogger(),
      now: () => clock.ms,
    });
    const add = (nonce: bigint) => {
      const tx = t.transfer(0, 1, 5n, nonce);
      window.add(tx, protocol.TransactionReceipt.fromPartial({ id: tx.id }));
      return toHex(tx.id);
    };
    return { clock, window, held, failed, republishedAt, failures, audit, add };
  }

  test("republished with doubling spacing, at most maxRepublish times, kept in the window (counted at submission) until the bound, then failed by the chain", async () => {
    const s = await setup();
    const id = s.add(1n);
    let sizeBeforeBound = 0;
    // Audits every second, 1 ms past the second (an entry is checked once strictly older than republishAfterMs).
    for (s.clock.ms = 1_001; s.clock.ms <= 70_001; s.clock.ms += 1_000) {
      await s.audit.run();
      if (s.clock.ms === 59_001) sizeBeforeBound = s.window.size;
    }
    // 1 s after the publish, then 2, 4, 8, 16 s after the one before; none after the fifth.
    expect(s.republishedAt).toEqual([1_001, 3_001, 7_001, 15_001, 31_001]);
    expect(sizeBeforeBound).toBe(1);
    expect(s.failures).toEqual([{ id, reason: "expired: the mempool did not take the transaction within 60 s of its acceptance", at: 60_001 }]);
    expect(s.window.size).toBe(0);
    expect(s.window.departed).toBe(1);
  });

  test("a mempool that catches up takes it: it leaves the window with no failure", async () => {
    const s = await setup();
    const id = s.add(1n);
    for (s.clock.ms = 1_001; s.clock.ms <= 20_001; s.clock.ms += 1_000) await s.audit.run();
    expect(s.republishedAt).toEqual([1_001, 3_001, 7_001, 15_001]);
    s.held.add(id);
    s.clock.ms += 1_000;
    expect(await s.audit.run()).toMatchObject({ confirmed: 1, failed: 0, republished: 0, expired: 0 });
    expect(s.window.size).toBe(0);
    expect(s.failures).toHaveLength(0);
  });

  test("one the mempool failed leaves at once; one it neither holds nor failed stays; one it holds leaves", async () => {
    const s = await setup();
    const [refused, unseen, taken] = [s.add(1n), s.add(2n), s.add(3n)];
    s.failed.add(refused);
    s.held.add(taken);
    s.clock.ms = 1_001;
    expect(await s.audit.run()).toMatchObject({ confirmed: 1, failed: 1, republished: 1, expired: 0 });
    expect(s.window.has(unseen)).toBe(true);
    expect(s.window.size).toBe(1);
    expect(s.failures).toHaveLength(0);
  });

  test("an unreachable mempool: nothing leaves the window, not even past the bound (the audit cannot tell)", async () => {
    const s = await setup();
    s.add(1n);
    const audit = new DeliveryAudit(opts, {
      window: s.window,
      mempool: { delivery: async () => Promise.reject(new Error("mempool unavailable")) },
      head: () => ({ height: 0n }) as ForkTreeEntry,
      headBlock: () => undefined,
      publishTransaction: async () => {},
      publishHeadAccept: async () => {},
      publishFailure: async () => {},
      logger: silentLogger(),
      now: () => s.clock.ms,
    });
    s.clock.ms = 120_000;
    expect(await audit.run()).toMatchObject({ confirmed: 0, failed: 0, republished: 0, expired: 0 });
    expect(s.window.size).toBe(1);
  });
});

describe("delivery audit: the head block", () => {
  test("the head's block.accept is published again when the block store stays behind the head, and not once it has it", async () => {
    let highest: BlockRef | undefined;
    const republished: protocol.Block[] = [];
    const t = await createTestChain({
      blockStore: { addBlock: async () => {}, highest: async () => highest },
      events: {
        republishHeadAccept: async ({ block }) => {
          republished.push(block);
        },
      },
    });
    await t.produce();
    highest = { id: t.chain.head.id, height: t.chain.head.height };
    await t.produce();
    // One audit behind may be an event on its way; the second publishes again.
    expect((await t.chain.auditDelivery()).headRepublished).toBe(false);
    expect((await t.chain.auditDelivery()).headRepublished).toBe(true);
    expect(republished.map((b) => toHex(b.id))).toEqual([t.chain.head.idHex]);
    highest = { id: t.chain.head.id, height: t.chain.head.height };
    expect((await t.chain.auditDelivery()).headRepublished).toBe(false);
    expect((await t.chain.auditDelivery()).headRepublished).toBe(false);
    expect(republished).toHaveLength(1);
  });

  test("after a restart the head block is read back from the block store to be published again", async () => {
    const t = await createTestChain();
    await t.produce();
    const head = { block: t.events.find((e) => e.kind === "block") as { block: protocol.Block; receipt: protocol.BlockReceipt } };
    const republished: string[] = [];
    const restarted = await createTestChain({
      store: t.store,
      blockStore: {
        addBlock: async () => {},
        highest: async () => undefined,
        blocksWithReceiptsByHeight: async (headId) => (toHex(headId) === toHex(head.block.block.id) ? [{ block: head.block.block, receipt: head.block.receipt }] : []),
      },
      events: {
        republishHeadAccept: async ({ block }) => {
          republished.push(toHex(block.id));
        },
      },
    });
    await restarted.chain.auditDelivery();
    await restarted.chain.auditDelivery();
    expect(republished).toEqual([toHex(head.block.block.id)]);
  });
});

describe("submission: the bus's deadline", () => {
  test("a publish the bus never confirms fails the submission within publishTimeoutMs (before a gateway deadline), and nothing stays pending", async () => {
    const t = await createTestChain({
      mempool: mempoolHolding(new Set()),
      chain: { publishTimeoutMs: 50 },
      events: { transactionAccepted: () => new Promise<void>(() => {}) },
    });
    const started = Date.now();
    const e = (await t.chain.submitTransaction(t.transfer(0, 1, 5n, 1n), true).catch((x: Error) => x)) as Error;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(e.message).toBe("could not publish the transaction, it was not accepted: the bus did not store it within 50 ms");
    expect(t.chain.pendingWindowSize).toBe(0);
  });
});

describe("delivery audit: a block store ahead of the head", () => {
  test("a higher block in the block store is not the head's loss: nothing is published", async () => {
    const republished: string[] = [];
    const t = await createTestChain({
      blockStore: { addBlock: async () => {}, highest: async () => ({ id: new Uint8Array(34).fill(7), height: 99n }) },
      events: {
        republishHeadAccept: async ({ block }) => {
          republished.push(toHex(block.id));
        },
      },
    });
    await t.produce();
    for (let i = 0; i < 3; i++) await t.chain.auditDelivery();
    expect(republished).toEqual([]);
  });
});

describe("delivery audit: a block store slow to catch up", () => {
  test("the head's accept is not published again on every audit while the block store works through it", async () => {
    let highest: BlockRef | undefined;
    const republished: string[] = [];
    const t = await createTestChain({
      blockStore: { addBlock: async () => {}, highest: async () => highest },
      events: {
        republishHeadAccept: async ({ block }) => {
          republished.push(toHex(block.id));
        },
      },
    });
    await t.produce();
    highest = { id: t.chain.head.id, height: t.chain.head.height };
    await t.produce();
    for (let i = 0; i < 6; i++) await t.chain.auditDelivery();
    expect(republished).toEqual([t.chain.head.idHex]);
  });
});
