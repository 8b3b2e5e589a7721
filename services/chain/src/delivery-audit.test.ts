/**
 * The delivery audit (controller/delivery-audit.ts): a transaction whose accept the bus lost is
 * published again until the mempool holds it (at most `maxRepublish` times), a block including
 * it ends that, a full pending window refuses submissions, and the head's block.accept is
 * published again when the block store stays behind the head.
 */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import type { MempoolChecks } from "@cairn/mempool/client";
import type { protocol } from "@cairn/proto";
import type { BlockRef } from "@cairn/protocol";
import { createTestChain } from "./testing/harness.ts";

/** A mempool holding exactly the ids in `held` (hex). */
function mempoolHolding(held: Set<string>): MempoolChecks {
  return {
    forSubmission: async ({ ids }) => ({ reservedRc: 0n, nonceFree: true, pendingNonce: new Uint8Array(), pendingCount: 0, held: new Set(ids.map(toHex).filter((id) => held.has(id))) }),
    pendingIds: async (ids) => new Set(ids.map(toHex).filter((id) => held.has(id))),
  };
}

const accepts = (t: { events: { kind: string }[] }) => t.events.filter((e) => e.kind === "tx").length;

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

  test("a transaction the mempool keeps refusing is published at most maxRepublish more times", async () => {
    const t = await createTestChain({ mempool: mempoolHolding(new Set()), chain: { republishAfterMs: 1, maxRepublish: 2 } });
    await t.chain.submitTransaction(t.transfer(0, 1, 5n, 1n), true);
    for (let i = 0; i < 4; i++) {
      await Bun.sleep(5);
      await t.chain.auditDelivery();
    }
    expect(accepts(t)).toBe(3);
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
