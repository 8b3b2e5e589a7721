/**
 * The `koinos.block.accept` consumer through the in-process bus: every block is stored (head or
 * not, any fork), re-deliveries change nothing, unknown parents are stored anyway, bad messages are
 * skipped, and a restarted node resumes its durable consumer.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { recordingLogger, waitUntil } from "@cairn/test-utils";
import { toHex } from "@cairn/core";
import { createMemoryEventBus } from "@cairn/bus";
import { block_store, broadcast, protocol } from "@cairn/proto";
import { createInProcessClient } from "@cairn/rpc";
import { fixture, makeBlock, makeChain, makeReceipt } from "./testing/fixtures.ts";
import { metricValue, startTestUnit, type TestUnit } from "./testing/harness.ts";

const TIMEOUT_MS = 120_000;
let nodes: TestUnit[] = [];
afterEach(async () => {
  for (const n of nodes.reverse()) await n.dispose();
  nodes = [];
});

async function start(options: Parameters<typeof startTestUnit>[0] = {}): Promise<TestUnit> {
  const n = await startTestUnit(options);
  nodes.push(n);
  return n;
}

const eventsHandled = async (t: TestUnit) =>
  (await metricValue(t.metrics, "cairn_block_store_events_total", { result: "stored" })) +
  (await metricValue(t.metrics, "cairn_block_store_events_total", { result: "duplicate" })) +
  (await metricValue(t.metrics, "cairn_block_store_events_total", { result: "invalid" }));

describe("koinos.block.accept consumer", () => {
  test("stores every accepted block with its receipt, head or not, any fork", async () => {
    const t = await start();
    const { main, fork } = fixture();
    for (const b of main) await t.publishAccepted(b, true);
    for (const b of fork) await t.publishAccepted(b, false);
    await waitUntil(async () => (await eventsHandled(t)) === 9, 60_000);
    const items = (await t.blocks.getBlocksById({ block_ids: [...main, ...fork].map((b) => b.id), return_block: true, return_receipt: true })).block_items;
    expect(items.map((i) => i.block)).toEqual([...main, ...fork]);
    expect(items.map((i) => i.receipt)).toEqual([...main, ...fork].map(makeReceipt));
    expect(await metricValue(t.metrics, "cairn_block_store_blocks_stored_total", { source: "event" })).toBe(9);
    const progress = await t.unit.store.getProgress();
    expect(toHex(progress!.blockId)).toBe(toHex(fork[3]!.id));
  }, TIMEOUT_MS);

  test("re-delivered events and events after AddBlock change nothing", async () => {
    const t = await start();
    const { main, shared } = fixture();
    for (const b of main.slice(0, 3)) await t.blocks.addBlock({ block_to_add: b, receipt_to_add: makeReceipt(b) });
    for (const b of [...main, ...main]) await t.publishAccepted(b);
    await waitUntil(async () => (await eventsHandled(t)) === 10);
    expect(await metricValue(t.metrics, "cairn_block_store_events_total", { result: "stored" })).toBe(2);
    expect(await metricValue(t.metrics, "cairn_block_store_events_total", { result: "duplicate" })).toBe(8);
    const txs = await t.transactions.getTransactionsById({ transaction_ids: [shared.id] });
    expect(txs.transactions[0]!.containing_blocks.map(toHex)).toEqual([toHex(main[2]!.id)]);
    expect(toHex((await t.unit.store.getProgress())!.blockId)).toBe(toHex(main[4]!.id));
  }, TIMEOUT_MS);

  test("a block whose parent is unknown is logged and stored anyway", async () => {
    const logger = recordingLogger();
    const t = await start({ logger });
    const orphanChain = makeChain(undefined, 3, 21n);
    await t.publishAccepted(orphanChain[2]!);
    await waitUntil(async () => (await eventsHandled(t)) === 1);
    const warning = logger.lines.find((l) => l.level === "warn" && l.msg === "parent block unknown; stored anyway");
    expect(warning?.context).toMatchObject({ block: toHex(orphanChain[2]!.id), height: 3, previous: toHex(orphanChain[1]!.id) });
    const stored = await t.blocks.getBlocksById({ block_ids: [orphanChain[2]!.id], return_block: false, return_receipt: false });
    expect(stored.block_items[0]!.block_height).toBe(3n);
    // Height 1 extends genesis: no warning.
    await t.publishAccepted(orphanChain[0]!);
    await waitUntil(async () => (await eventsHandled(t)) === 2);
    expect(logger.lines.filter((l) => l.level === "warn")).toHaveLength(1);
    // Once the parent arrives, the chain walks through.
    await t.blocks.addBlock({ block_to_add: orphanChain[1]!, receipt_to_add: undefined });
    const walk = await t.blocks.getBlocksByHeight({ head_block_id: orphanChain[2]!.id, ancestor_start_height: 1n, num_blocks: 3, return_block: false, return_receipt: false });
    expect(walk.block_items.map((i) => toHex(i.block_id))).toEqual(orphanChain.map((b) => toHex(b.id)));
  }, TIMEOUT_MS);

  test("undecodable messages and messages without a block are skipped; the consumer goes on", async () => {
    const logger = recordingLogger();
    const t = await start({ logger });
    await t.bus.publish("koinos.block.accept", new Uint8Array([0xff, 0xff, 0xff]));
    await t.bus.publish("koinos.block.accept", broadcast.BlockAccepted.encode({ block: undefined, receipt: undefined, live: true, head: true }).finish());
    await t.bus.publish("koinos.block.accept", broadcast.BlockAccepted.encode({ block: protocol.Block.fromPartial({ id: new Uint8Array([1]) }), receipt: undefined, live: true, head: true }).finish());
    const b1 = fixture().main[0]!;
    await t.publishAccepted(b1);
    await waitUntil(async () => (await eventsHandled(t)) === 4);
    expect(await metricValue(t.metrics, "cairn_block_store_events_total", { result: "invalid" })).toBe(3);
    expect(logger.lines.filter((l) => l.level === "error").map((l) => l.msg)).toEqual([
      "undecodable event skipped",
      "block.accept message without a block skipped",
      "block.accept message without a block skipped",
    ]);
    expect((await t.blocks.getHighestBlock({})).topology?.height).toBe(1n);
  }, TIMEOUT_MS);

  test("a restarted node resumes its durable consumer and stores what it missed", async () => {
    const first = await startTestUnit();
    const blocks = makeChain(undefined, 6, 31n);
    for (const b of blocks.slice(0, 2)) await first.publishAccepted(b);
    await waitUntil(async () => (await eventsHandled(first)) === 2);
    await first.dispose(true);
    // Published while the block store is down (by another client of the same broker).
    const publisher = createMemoryEventBus({ broker: first.broker });
    await publisher.start();
    for (const b of blocks.slice(2)) await publisher.publish("koinos.block.accept", broadcast.BlockAccepted.encode({ block: b, receipt: makeReceipt(b), live: true, head: true }).finish());
    await publisher.close();
    const second = await start({ db: first.db, broker: first.broker });
    await waitUntil(async () => (await eventsHandled(second)) === 4);
    expect(await metricValue(second.metrics, "cairn_block_store_events_total", { result: "stored" })).toBe(4);
    const walk = await second.blocks.getBlocksByHeight({ head_block_id: blocks[5]!.id, ancestor_start_height: 1n, num_blocks: 6, return_block: false, return_receipt: false });
    expect(walk.block_items.map((i) => toHex(i.block_id))).toEqual(blocks.map((b) => toHex(b.id)));
  }, TIMEOUT_MS);

  test("with grpcPort null the node only consumes", async () => {
    const t = await start({ grpcPort: null });
    expect(t.port).toBeUndefined();
    const b = makeBlock(undefined, [], 41n);
    await t.publishAccepted(b);
    await waitUntil(async () => (await t.unit.store.getTopology(b.id)) !== undefined);
    const inProcess = createInProcessClient(block_store.BlockStoreServiceDefinition, t.unit.blockStore);
    const item = await inProcess.getBlocksById({ block_ids: [b.id], return_block: false, return_receipt: false });
    expect(item.block_items[0]!.block_height).toBe(1n);
  }, TIMEOUT_MS);
});
