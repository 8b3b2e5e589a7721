import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { token } from "@cairn/proto";
import { KoinEntryPoint, ZERO_ID, decodeNonce, transactionId } from "@cairn/protocol";
import type { MempoolChecks } from "@cairn/mempool/client";
import { DEV_BALANCE, KOIN_ID, createTestChain } from "./testing/harness.ts";

describe("genesis", () => {
  test("same seed → same chain id; another seed → another", async () => {
    const a = await createTestChain({ seed: "s1" });
    const b = await createTestChain({ seed: "s1" });
    const c = await createTestChain({ seed: "s2" });
    expect(toHex(a.chain.rules.chainId)).toBe(toHex(b.chain.rules.chainId));
    expect(toHex(a.chain.rules.chainId)).not.toBe(toHex(c.chain.rules.chainId));
    expect(a.chain.rules.chainId.length).toBe(34);
  });
  test("head before block 1 is the zero id at height 0", async () => {
    const t = await createTestChain();
    expect(toHex(t.chain.head.id)).toBe(toHex(ZERO_ID));
    expect(t.chain.head.height).toBe(0n);
    expect(t.chain.lib.height).toBe(0n);
  });
  test("dev accounts are funded and KOIN answers its read-only entry points", async () => {
    const t = await createTestChain();
    expect(t.balance(0)).toBe(DEV_BALANCE);
    const read = (ep: number) => t.chain.readContract(KOIN_ID, ep, new Uint8Array()).result;
    expect(token.StringResult.decode(read(KoinEntryPoint.name)).value).toBe("Koin");
    expect(token.StringResult.decode(read(KoinEntryPoint.symbol)).value).toBe("KOIN");
    expect(token.Uint32Result.decode(read(KoinEntryPoint.decimals)).value).toBe(8);
    expect(token.Uint64Result.decode(read(KoinEntryPoint.total_supply)).value).toBe(DEV_BALANCE * 4n);
    expect(t.chain.accountRc(t.dev.accounts[0]!.address)).toBe(DEV_BALANCE);
  });
});

describe("transactions and blocks", () => {
  test("a transfer in a block moves KOIN, sets the nonce, emits the event", async () => {
    const t = await createTestChain();
    const tx = t.transfer(0, 1, 1000n, 1n);
    const receipt = await t.produce([tx]);
    expect(receipt.transaction_receipts).toHaveLength(1);
    const r = receipt.transaction_receipts[0]!;
    expect(r.reverted).toBe(false);
    expect(r.events[0]!.name).toBe("token.transfer_event");
    expect(r.events[0]!.impacted.map(toHex)).toEqual([toHex(t.dev.accounts[1]!.address), toHex(t.dev.accounts[0]!.address)]);
    expect(r.rc_used).toBeGreaterThan(0n);
    expect(r.network_bandwidth_used).toBeGreaterThan(0n);
    expect(t.balance(0)).toBe(DEV_BALANCE - 1000n);
    expect(t.balance(1)).toBe(DEV_BALANCE + 1000n);
    expect(decodeNonce(t.chain.accountNonce(t.dev.accounts[0]!.address))).toBe(1n);
    expect(t.chain.head.height).toBe(1n);
    // Mana never exceeds the balance.
    expect(t.chain.accountRc(t.dev.accounts[0]!.address)).toBeLessThanOrEqual(DEV_BALANCE - 1000n);
  });

  test("submit_transaction dry run changes nothing and publishes nothing", async () => {
    const t = await createTestChain();
    const receipt = await t.chain.submitTransaction(t.transfer(0, 1, 5n, 1n), false);
    expect(receipt.events).toHaveLength(1);
    expect(t.balance(0)).toBe(DEV_BALANCE);
    expect(t.events).toHaveLength(0);
  });

  test("submit_transaction with broadcast publishes transaction.accept", async () => {
    const t = await createTestChain();
    const tx = t.transfer(0, 1, 5n, 1n);
    await t.chain.submitTransaction(tx, true);
    expect(t.events).toHaveLength(1);
    expect(t.events[0]!.kind).toBe("tx");
  });

  /** A mempool that has not taken anything yet (every accept still on its way). */
  const emptyMempool = (): MempoolChecks & { calls: string[] } => {
    const calls: string[] = [];
    return {
      calls,
      forSubmission: async ({ ids }) => (calls.push(`submission of ${ids.length} window ids`), { reservedRc: 0n, nonceFree: true, pendingNonce: new Uint8Array(), pendingCount: 0, held: new Set() }),
      delivery: async () => ({ held: new Set(), failed: new Set() }),
    };
  };

  test("a second transaction from the same account counts the first as pending before the mempool has it", async () => {
    const mempool = emptyMempool();
    const t = await createTestChain({ mempool });
    await t.chain.submitTransaction(t.transfer(0, 1, 5n, 1n), true);
    await t.chain.submitTransaction(t.transfer(0, 1, 5n, 2n), true);
    // Nonce 2 is pending (in the window): the mempool's rule, "invalid account nonce".
    const again = await t.chain.submitTransaction(t.transfer(0, 1, 5n, 2n), true).catch((e) => e);
    expect(again.message).toBe("invalid account nonce");
    expect(again.chainCode).toBe(-201);
    // Nonce 4 skips 3: the chain counts from the highest pending nonce.
    await expect(t.chain.submitTransaction(t.transfer(0, 1, 5n, 4n), true)).rejects.toThrow("invalid transaction nonce");
  });

  test("the transaction's rc_limit must fit on top of what pending transactions reserve, the mempool asked once per submission", async () => {
    const mempool = emptyMempool();
    const t = await createTestChain({ mempool });
    const rc = t.chain.accountRc(t.dev.accounts[0]!.address);
    await t.chain.submitTransaction(t.transfer(0, 1, 5n, 1n, { rcLimit: rc }), true);
    expect(mempool.calls).toEqual(["submission of 0 window ids"]);
    const e = await t.chain.submitTransaction(t.transfer(0, 1, 5n, 2n, { rcLimit: 1_000_000n }), true).catch((x) => x);
    expect(e.message).toBe("insufficient pending account resources");
    expect(e.chainCode).toBe(104);
    expect(e.data).toEqual({});
    // The first is still in the chain's window: its id was asked about.
    expect(mempool.calls[1]).toBe("submission of 1 window ids");
  });

  test("the rc the mempool reports reserved counts against the payer's rc", async () => {
    const t0 = await createTestChain();
    const rc = t0.chain.accountRc(t0.dev.accounts[0]!.address);
    const reserving = (reservedRc: bigint): MempoolChecks => ({
      forSubmission: async () => ({ reservedRc, nonceFree: true, pendingNonce: new Uint8Array(), pendingCount: 0, held: new Set() }),
      delivery: async () => ({ held: new Set(), failed: new Set() }),
    });
    const half = rc / 2n;
    const full = await createTestChain({ mempool: reserving(rc - half + 1n) });
    const e = await full.chain.submitTransaction(full.transfer(0, 1, 5n, 1n, { rcLimit: half }), true).catch((x) => x);
    expect(e.message).toBe("insufficient pending account resources");
    const room = await createTestChain({ mempool: reserving(rc - half) });
    await room.chain.submitTransaction(room.transfer(0, 1, 5n, 1n, { rcLimit: half }), true);
  });

  test("a receipt only once the accept is stored on the bus: with the bus down the client gets an error, and nothing counts as pending", async () => {
    const mempool = emptyMempool();
    let down = true;
    const t = await createTestChain({
      mempool,
      events: {
        transactionAccepted: async () => {
          if (down) throw new Error("NATS connection closed");
        },
      },
    });
    const e = await t.chain.submitTransaction(t.transfer(0, 1, 5n, 1n), true).catch((x) => x);
    expect(e.code).toBe("chain.rpc_failure");
    expect(e.message).toContain("NATS connection closed");
    down = false;
    // The same nonce is free again: the failed submission left nothing behind.
    await t.chain.submitTransaction(t.transfer(0, 1, 5n, 1n), true);
  });

  test("without broadcast the mempool is not asked", async () => {
    const mempool = emptyMempool();
    const t = await createTestChain({ mempool });
    await t.chain.submitTransaction(t.transfer(0, 1, 5n, 1n), false);
    expect(mempool.calls).toEqual([]);
  });

  test("block events come out in application order with head and fork heads", async () => {
    const t = await createTestChain();
    await t.produce([t.transfer(0, 1, 1n, 1n)]);
    await t.produce();
    const blocks = t.events.filter((e) => e.kind === "block");
    expect(blocks.map((b) => (b.kind === "block" ? b.block.header!.height : 0n))).toEqual([1n, 2n]);
    const last = blocks[1]!;
    if (last.kind !== "block") throw new Error();
    expect(last.head).toBe(true);
    expect(last.forkHeads.heads.map((h) => h.height)).toEqual([2n]);
  });

  test("an already applied block is a no-op", async () => {
    const t = await createTestChain();
    const b = t.block([t.transfer(0, 1, 1n, 1n)]);
    expect(await t.chain.submitBlock(b)).toBeDefined();
    expect(await t.chain.submitBlock(b)).toBeUndefined();
    expect(t.balance(1)).toBe(DEV_BALANCE + 1n);
  });

  test("ids are checked: transaction id is the header hash", async () => {
    const t = await createTestChain();
    const tx = t.transfer(0, 1, 1n, 1n);
    expect(toHex(tx.id)).toBe(toHex(transactionId(tx.header!)));
  });
});

describe("block store hand-off", () => {
  test("each block goes to the block store before the chain commits it", async () => {
    const stored: bigint[] = [];
    let fail = false;
    const t = await createTestChain({
      blockStore: {
        async addBlock(block) {
          if (fail) throw new Error("block store down");
          expect(t.chain.head.height).toBe(block.header!.height - 1n); // not committed yet
          stored.push(block.header!.height);
        },
      },
    });
    await t.produce([t.transfer(0, 1, 1n, 1n)]);
    await t.produce();
    expect(stored).toEqual([1n, 2n]);
    fail = true;
    const e = await t.produce([t.transfer(0, 1, 1n, 2n)]).catch((x) => x);
    expect(e.chainCode).toBe(-1008);
    expect(t.chain.head.height).toBe(2n);
    expect(t.balance(1)).toBe(DEV_BALANCE + 1n);
    fail = false;
    await t.produce([t.transfer(0, 1, 1n, 2n)]);
    expect(stored).toEqual([1n, 2n, 3n]);
  });
});
