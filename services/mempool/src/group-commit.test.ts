/**
 * Group commit of `koinos.transaction.accept`: accepts handled together share one database
 * transaction, each is acknowledged (its handler resolves) only after the commit that holds it,
 * and a failed commit leaves them unacknowledged for redelivery with nothing lost.
 */
import { describe, expect, test } from "bun:test";
import { prom, silentLogger, toHex } from "@cairn/core";
import { type BusMessage, Subjects, createMemoryEventBus } from "@cairn/bus";
import { broadcast } from "@cairn/proto";
import { waitUntil } from "@cairn/test-utils";
import { createEventHandler } from "./events.ts";
import { defaultMempoolOptions } from "./options.ts";
import { MemoryMempoolStore } from "./store/memory-store.ts";
import type { StoreWrite } from "./store/store.ts";
import { FakeChain, accepted, makeTx } from "./testing/fixtures.ts";
import { createTestMempool } from "./testing/controller.ts";
import { createMempoolUnit } from "./unit.ts";

/** A memory store whose commits are counted, can be held at a gate, and can be made to fail. */
class GatedStore extends MemoryMempoolStore {
  commits = 0;
  failing = 0;
  /** How long a commit takes, ms (a database's round trips). */
  delayMs = 0;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((r) => (this.openGate = r));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  override async write(w: StoreWrite): Promise<void> {
    await this.gate;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failing > 0) {
      this.failing--;
      throw new Error("database unavailable");
    }
    this.commits++;
    await super.write(w);
  }
}

/** The `i`-th of distinct transactions: the eight test accounts in turn, nonces 1, 2, … */
function nthTx(i: number) {
  return makeTx(i % 8, BigInt(Math.floor(i / 8) + 1));
}

function txMessage(sequence: number, i: number): BusMessage {
  const data = broadcast.TransactionAccepted.encode(accepted(nthTx(i))).finish();
  return { subject: Subjects.transactionAccept, data, sequence, deliveryCount: 1, redelivered: false };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 1));
}

describe("group commit of transaction accepts", () => {
  test("many concurrent accepts make few commits, each acknowledged only after its commit", async () => {
    const store = new GatedStore();
    const { m } = await createTestMempool({}, { store });
    const handle = createEventHandler(m, silentLogger());
    store.hold();
    const acked = new Set<number>();
    const handled = Array.from({ length: 100 }, (_, i) => Promise.resolve(handle(txMessage(i + 1, i))).then(() => void acked.add(i)));
    await settle();
    expect(m.pool.size).toBe(100);
    expect(acked.size).toBe(0); // the commit is held: nothing acknowledged yet
    expect(store.commits).toBe(0);
    store.release();
    await Promise.all(handled);
    expect(acked.size).toBe(100);
    expect(store.commits).toBeLessThanOrEqual(2);
    expect((await store.load()).pending.length).toBe(100);
  });

  test("a failed commit leaves its accepts unacknowledged; their redelivery commits them, nothing lost", async () => {
    const store = new GatedStore();
    const { m } = await createTestMempool({}, { store });
    const handle = createEventHandler(m, silentLogger());
    store.hold();
    store.failing = 1;
    const messages = Array.from({ length: 50 }, (_, i) => txMessage(i + 1, i));
    const results = messages.map((msg) => Promise.resolve(handle(msg)).then(() => "acked" as const, () => "failed" as const));
    await settle();
    store.release();
    const outcomes = await Promise.all(results);
    const failed = messages.filter((_, i) => outcomes[i] === "failed");
    expect(failed.length).toBeGreaterThan(0);
    // What was acknowledged is durable.
    const durable = new Set((await store.load()).pending.map((r) => toHex(r.id)));
    messages.forEach((_, i) => {
      if (outcomes[i] === "acked") expect(durable.has(toHex(nthTx(i).id))).toBe(true);
    });
    // The bus delivers the failed ones again.
    await Promise.all(failed.map((msg) => handle({ ...msg, deliveryCount: 2, redelivered: true })));
    expect((await store.load()).pending.length).toBe(50);
    expect(m.pool.size).toBe(50);
  });

  test("the unit takes accepts from the bus in groups and commits each group once", async () => {
    const store = new GatedStore();
    store.failing = 1; // the first commit fails: its accepts come back from the bus
    store.delayMs = 2;
    const bus = createMemoryEventBus({ redeliveryDelayMs: 5 });
    await bus.start();
    const chain = new FakeChain();
    const unit = createMempoolUnit({ ...defaultMempoolOptions, grpcPort: null }, { logger: silentLogger(), metrics: new prom.Registry(), bus, store, chain, blocks: chain });
    await unit.start();
    await bus.publishMany(Array.from({ length: 200 }, (_, i) => ({ subject: Subjects.transactionAccept, data: broadcast.TransactionAccepted.encode(accepted(nthTx(i))).finish() })));
    const block = chain.extend([nthTx(0)]);
    await bus.publish(Subjects.blockAccept, broadcast.BlockAccepted.encode(FakeChain.accepted(block, true)).finish());
    await waitUntil(() => unit.controller.lastApplied?.height === 1n);
    await waitUntil(async () => (await store.load()).pending.length === 199);
    expect(store.commits).toBeLessThan(20);
    expect(unit.controller.pool.has(toHex(nthTx(0).id))).toBe(false);
    await unit.stop();
    await bus.close();
  });
});
