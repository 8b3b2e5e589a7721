/** The producer against a real chain (in-process) and a small in-memory mempool. */
import { describe, expect, test } from "bun:test";
import { CairnError, silentLogger, toHex } from "@cairn/core";
import { block_producer, chain as chainPb, mempool, protocol } from "@cairn/proto";
import { createInProcessClient } from "@cairn/rpc";
import { createChainService } from "@cairn/chain";
import { DEV_BALANCE, createTestChain } from "@cairn/chain/testing";
import { BlockProducer, type ProducerMempool } from "./producer.ts";
import { createBlockProducerService } from "./service.ts";

function fakeMempool(): ProducerMempool & { txs: protocol.Transaction[] } {
  const m = {
    txs: [] as protocol.Transaction[],
    async getPendingTransactions(_req?: unknown) {
      return mempool.GetPendingTransactionsResponse.fromPartial({ pending_transactions: m.txs.map((transaction) => ({ transaction, network_bandwidth_used: 300n, compute_bandwidth_used: 40_000n })) });
    },
  };
  return m;
}

async function setup(mode: "instant" | "interval" | "manual" = "manual", idlePollMs = 0) {
  const t = await createTestChain({ now: () => BigInt(Date.now()) });
  const chain = createInProcessClient(chainPb.ChainServiceDefinition, createChainService(t.chain));
  const pool = fakeMempool();
  const producer = new BlockProducer(
    { mode, intervalMs: 50, maxTransactionsPerBlock: 2000, instantBatchMs: 5, retryPendingMs: 20, idlePollMs },
    { chain, mempool: pool, privateKey: t.dev.producerKey, logger: silentLogger() },
  );
  return { t, chain, pool, producer };
}

describe("block producer", () => {
  test("produces block 1 at start on an empty chain", async () => {
    const { t, producer } = await setup();
    await producer.start();
    expect(t.chain.head.height).toBe(1n);
    await producer.stop();
  });

  test("includes pending transactions; leaves out one the chain refuses (the chain reports it failed)", async () => {
    const { t, pool, producer } = await setup();
    await producer.start();
    const good = t.transfer(0, 1, 10n, 1n);
    const bad = t.transfer(2, 3, DEV_BALANCE + 1n, 1n);
    const good2 = t.transfer(1, 2, 5n, 1n);
    pool.txs.push(good, bad, good2);
    const p = (await producer.produce())!;
    expect(p.block.transactions.map((x) => toHex(x.id))).toEqual([toHex(good.id), toHex(good2.id)]);
    expect(p.failed.map(toHex)).toEqual([toHex(bad.id)]);
    expect(t.events.filter((e) => e.kind === "fail").map((e) => toHex((e as { id: Uint8Array }).id))).toEqual([toHex(bad.id)]);
    expect(t.balance(1)).toBe(DEV_BALANCE + 10n - 5n);
  });

  test("asks the mempool on the head block and waits while it has not reflected it", async () => {
    const { t, pool, producer } = await setup();
    await producer.start();
    const asked: (Uint8Array | undefined)[] = [];
    let behind = 3;
    const original = pool.getPendingTransactions;
    pool.getPendingTransactions = async (req: mempool.GetPendingTransactionsRequest) => {
      asked.push(req.block_id);
      if (behind-- > 0) throw new CairnError("mempool.unknown_block", "cannot retrieve pending transactions from an unknown block");
      return original(req);
    };
    pool.txs.push(t.transfer(0, 1, 10n, 1n));
    const p = (await producer.produce())!;
    expect(p.block.transactions).toHaveLength(1);
    expect(asked).toHaveLength(4);
    expect(asked.every((id) => id !== undefined && toHex(id) === t.chain.head.previousHex)).toBe(true);
  });

  test("instant mode finds pending transactions whose notification was lost (idle poll)", async () => {
    const { t, pool, producer } = await setup("instant", 30);
    await producer.start();
    await Bun.sleep(50);
    expect(t.chain.head.height).toBe(1n);
    pool.txs.push(t.transfer(0, 1, 10n, 1n)); // no notifyPending: the koinos.mempool.accept was lost
    for (let i = 0; i < 200 && t.chain.head.height < 2n; i++) await Bun.sleep(5);
    expect(t.chain.head.height).toBe(2n);
    expect(t.balance(1)).toBe(DEV_BALANCE + 10n);
    await producer.stop();
  });

  test("without the idle poll, instant mode waits for a notification", async () => {
    const { t, pool, producer } = await setup("instant", 0);
    await producer.start();
    await Bun.sleep(50);
    pool.txs.push(t.transfer(0, 1, 10n, 1n));
    await Bun.sleep(100);
    expect(t.chain.head.height).toBe(1n);
    producer.notifyPending();
    for (let i = 0; i < 200 && t.chain.head.height < 2n; i++) await Bun.sleep(5);
    expect(t.chain.head.height).toBe(2n);
    await producer.stop();
  });

  test("instant mode makes a block when transactions are pending", async () => {
    const { t, pool, producer } = await setup("instant");
    await producer.start();
    pool.txs.push(t.transfer(0, 1, 10n, 1n));
    producer.notifyPending();
    for (let i = 0; i < 100 && t.chain.head.height < 2n; i++) await Bun.sleep(5);
    expect(t.chain.head.height).toBe(2n);
    expect(t.balance(1)).toBe(DEV_BALANCE + 10n);
    await producer.stop();
  });

  test("interval mode makes blocks on a timer; the admin RPC switches modes", async () => {
    const { t, producer } = await setup("manual");
    const admin = createInProcessClient(block_producer.BlockProducerServiceDefinition, createBlockProducerService(producer));
    await producer.start();
    const h = t.chain.head.height;
    const set = await admin.setProductionMode({ mode: block_producer.ProductionMode.PRODUCTION_MODE_INTERVAL, interval_ms: 20 });
    expect(set.mode).toBe(block_producer.ProductionMode.PRODUCTION_MODE_INTERVAL);
    for (let i = 0; i < 200 && t.chain.head.height < h + 3n; i++) await Bun.sleep(5);
    expect(t.chain.head.height).toBeGreaterThanOrEqual(h + 3n);
    await admin.setProductionMode({ mode: block_producer.ProductionMode.PRODUCTION_MODE_MANUAL, interval_ms: 0 });
    await Bun.sleep(30);
    const stopped = t.chain.head.height;
    await Bun.sleep(60);
    expect(t.chain.head.height).toBe(stopped);
    const made = await admin.produceBlock({});
    expect(made.height).toBe(stopped + 1n);
    expect((await admin.getProductionMode({})).mode).toBe(block_producer.ProductionMode.PRODUCTION_MODE_MANUAL);
    const bad = await admin.setProductionMode({ mode: block_producer.ProductionMode.PRODUCTION_MODE_UNSPECIFIED, interval_ms: 0 }).catch((e) => e);
    expect(bad.code).toBe("block_producer.invalid_mode");
    // An interval past what a timer holds (it would fire every millisecond) or below 10 ms is refused.
    for (const interval_ms of [2 ** 31, 0xffffffff, 5]) {
      const e = await Promise.resolve()
        .then(() => admin.setProductionMode({ mode: block_producer.ProductionMode.PRODUCTION_MODE_INTERVAL, interval_ms }))
        .catch((err: { code?: string }) => err);
      expect((e as { code?: string }).code).toBe("block_producer.invalid_interval");
    }
    expect((await admin.getProductionMode({})).mode).toBe(block_producer.ProductionMode.PRODUCTION_MODE_MANUAL);
    await producer.stop();
  });

  test("a transaction refused only for the moment (nonce ahead) stays pending and is mined once it can apply", async () => {
    const { t, pool, producer } = await setup("instant");
    await producer.start();
    const second = t.transfer(0, 1, 2n, 2n);
    pool.txs.push(second);
    producer.notifyPending();
    await Bun.sleep(100);
    expect(t.events.filter((e) => e.kind === "fail")).toHaveLength(0);
    const first = t.transfer(0, 1, 1n, 1n);
    pool.txs.push(first);
    producer.notifyPending();
    for (let i = 0; i < 400 && t.chain.accountNonce(t.dev.accounts[0]!.address)[1] !== 2; i++) await Bun.sleep(10);
    expect(t.balance(1)).toBe(DEV_BALANCE + 3n);
    await producer.stop();
  });

  test("stop in interval mode returns promptly and nothing is produced afterwards (no backlog)", async () => {
    const { t, producer } = await setup("interval");
    await producer.start();
    for (let i = 0; i < 200 && t.chain.head.height < 3n; i++) await Bun.sleep(5);
    const started = Date.now();
    await producer.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    const h = t.chain.head.height;
    await Bun.sleep(200);
    expect(t.chain.head.height).toBe(h);
    expect(await producer.produce()).toBeUndefined();
  });

  test("stays within the block's resource limits", async () => {
    const { t, pool, producer } = await setup();
    await producer.start();
    const limits = t.chain.resourceLimits();
    const fit = Number(limits.compute_bandwidth_limit / 40_000n);
    for (let i = 0; i < fit + 5; i++) pool.txs.push(t.transfer(0, 1, 1n, BigInt(i + 1)));
    const p = (await producer.produce())!;
    expect(p.block.transactions.length).toBe(fit);
    await producer.stop();
  }, 60_000);
});
