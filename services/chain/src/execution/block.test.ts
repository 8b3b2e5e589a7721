/** Block validation paths (protocol §4.2, §4.4) and propose_block. */
import { describe, expect, test } from "bun:test";
import { protocol } from "@cairn/proto";
import { blockId, privateKeyFromSeed, sha256, signBlock, toMultihash } from "@cairn/protocol";
import { DEV_BALANCE, createTestChain } from "../testing/harness.ts";
import { ChainError } from "./errors.ts";

async function rejection(p: Promise<unknown>): Promise<ChainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ChainError) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

/** Re-signs a block after its header was changed (so only the intended check fails). */
function resign(block: protocol.Block, key: Uint8Array): protocol.Block {
  return signBlock(block, key);
}

describe("submit_block rejections", () => {
  test.each(["previous", "height", "timestamp", "previous_state_merkle_root", "transaction_merkle_root", "signer"] as const)("missing header.%s", async (field) => {
    const t = await createTestChain();
    const b = t.block([]);
    const h = b.header!;
    if (field === "height" || field === "timestamp") h[field] = 0n;
    else h[field] = new Uint8Array();
    const e = await rejection(t.chain.submitBlock(resign(b, t.dev.producerKey)));
    expect(e.chainCode).toBe(-1002);
    expect(e.message).toBe(`missing expected field in block: header.${field}`);
  });

  test("missing signature", async () => {
    const t = await createTestChain();
    const b = t.block([]);
    b.signature = new Uint8Array();
    expect((await rejection(t.chain.submitBlock(b))).message).toBe("missing expected field in block: signature");
  });

  test("id that is not the header hash", async () => {
    const t = await createTestChain();
    const b = t.block([]);
    b.id = blockId({ ...b.header!, timestamp: 5n });
    expect((await rejection(t.chain.submitBlock(b))).message).toBe("block contains an invalid block id");
  });

  test("transaction merkle root that does not match", async () => {
    const t = await createTestChain();
    const b = t.block([t.transfer(0, 1, 1n, 1n)]);
    b.transactions = [];
    const e = await rejection(t.chain.submitBlock(b));
    expect(e.chainCode).toBe(-203);
  });

  test("signed by a key other than the genesis key", async () => {
    const t = await createTestChain();
    const e = await rejection(t.chain.submitBlock(t.block([], { key: privateKeyFromSeed("intruder") })));
    expect(e.chainCode).toBe(-202);
    expect(e.message).toBe("failed to process block signature");
  });

  test("wrong height", async () => {
    const t = await createTestChain();
    const b = t.block([]);
    b.header!.height = 3n;
    expect((await rejection(t.chain.submitBlock(resign(b, t.dev.producerKey)))).chainCode).toBe(-1004);
  });

  test("timestamp not after the parent's, or too far ahead", async () => {
    const t = await createTestChain();
    await t.produce();
    const early = t.block([], { timestamp: t.chain.head.timestamp });
    expect((await rejection(t.chain.submitBlock(early))).chainCode).toBe(-1010);
    const late = t.block([], { timestamp: BigInt(Date.now()) * 10n });
    expect((await rejection(t.chain.submitBlock(late))).chainCode).toBe(-1010);
  });

  test("previous state merkle root that is not the parent's", async () => {
    const t = await createTestChain();
    const h = t.chain.head;
    const b = t.block([], { parent: { id: h.id, height: h.height, timestamp: h.timestamp, stateRoot: toMultihash(sha256(new Uint8Array([9]))) } });
    expect((await rejection(t.chain.submitBlock(b))).chainCode).toBe(-1006);
  });

  test("unknown previous block", async () => {
    const t = await createTestChain();
    const b = t.block([], { parent: { id: toMultihash(sha256(new Uint8Array([1]))), height: 0n, timestamp: 0n, stateRoot: t.chain.head.stateRoot } });
    const e = await rejection(t.chain.submitBlock(b));
    expect(e.chainCode).toBe(-1003);
    expect(e.message).toContain("unknown previous block");
  });

  test("a failing transaction rejects the whole block and applies nothing", async () => {
    const t = await createTestChain();
    const good = t.transfer(0, 1, 5n, 1n);
    const bad = t.transfer(2, 3, DEV_BALANCE + 1n, 1n);
    const e = await rejection(t.chain.submitBlock(t.block([good, bad])));
    expect(e.message).toContain("transaction 1");
    expect(e.message).toContain("insufficient balance");
    expect(t.chain.head.height).toBe(0n);
    expect(t.balance(1)).toBe(DEV_BALANCE);
  });

  test("a reverted transaction stays in the block", async () => {
    const t = await createTestChain();
    const receipt = await t.produce([t.transfer(0, 0, 5n, 1n), t.transfer(1, 2, 5n, 1n)]);
    expect(receipt.transaction_receipts.map((r) => r.reverted)).toEqual([true, false]);
    expect(receipt.transaction_receipts[1]!.events[0]!.sequence).toBe(0);
  });

  test("event sequence numbers count across the block", async () => {
    const t = await createTestChain();
    const receipt = await t.produce([t.transfer(0, 1, 5n, 1n), t.transfer(1, 2, 5n, 1n)]);
    expect(receipt.transaction_receipts.map((r) => r.events[0]!.sequence)).toEqual([0, 1]);
  });
});

describe("propose_block", () => {
  test("reports failing transactions, publishes the permanent ones as failed, and applies nothing", async () => {
    const t = await createTestChain();
    const bad = t.transfer(2, 3, DEV_BALANCE + 1n, 1n);
    const r = await t.chain.proposeBlock(t.block([t.transfer(0, 1, 5n, 1n), bad]));
    expect(r.failed.map((f) => f.index)).toEqual([1]);
    expect(r.failed[0]!.temporary).toBe(false);
    expect(r.failed[0]!.error.message).toBe("account 'from' has insufficient balance");
    expect(r.receipt).toBeUndefined();
    expect(t.chain.head.height).toBe(0n);
    expect(t.events.filter((e) => e.kind === "fail").map((e) => (e as { id: Uint8Array }).id)).toEqual([bad.id]);
  });

  test("a nonce ahead of the account's is a temporary failure (no fail event)", async () => {
    const t = await createTestChain();
    const r = await t.chain.proposeBlock(t.block([t.transfer(0, 1, 5n, 2n)]));
    expect(r.failed.map((f) => [f.index, f.temporary])).toEqual([[0, true]]);
    expect(t.events.filter((e) => e.kind === "fail")).toHaveLength(0);
  });

  test("commits a valid block as submit_block does", async () => {
    const t = await createTestChain();
    const ok = await t.chain.proposeBlock(t.block([t.transfer(0, 1, 5n, 1n)]));
    expect(ok.failed).toEqual([]);
    expect(ok.receipt?.transaction_receipts).toHaveLength(1);
    expect(t.chain.head.height).toBe(1n);
    expect(t.events.filter((e) => e.kind === "block")).toHaveLength(1);
  });
});
