import { describe, expect, test } from "bun:test";
import type { MempoolChecks } from "@cairn/mempool/client";
import { protocol, rememberedEncoding } from "@cairn/proto";
import { decodeNonce } from "@cairn/protocol";
import { MemoryChainStore } from "../store/memory-store.ts";
import { createTestChain } from "../testing/harness.ts";

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
    pendingIds: async () => new Set(),
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
      pendingIds: async () => new Set(),
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

describe("submission: the accepted transaction's encoding", () => {
  test("a broadcast submission remembers the transaction's bytes (what encode gives) for the mempool; a dry run remembers nothing", async () => {
    const mempool: MempoolChecks = {
      forSubmission: async () => ({ reservedRc: 0n, nonceFree: true, pendingNonce: new Uint8Array(), pendingCount: 0, held: new Set() }),
      pendingIds: async () => new Set(),
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
