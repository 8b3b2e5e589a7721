/**
 * `republishBlocks` from a fake block source onto the in-process bus: per block of the head chain,
 * in height order, `koinos.block.accept` (head: true, live: false) then the block's event parcels
 * in the chain's order; subject selection, clipping at the head, batching and progress.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { type ReplayProgress, toHex } from "@cairn/core";
import { createMemoryBroker, createMemoryEventBus, type EventBus } from "@cairn/bus";
import type { BlockSource, BlockWithReceipt } from "@cairn/block-store/client";
import { broadcast } from "@cairn/proto";
import { type BlockRef, addressToBase58 } from "@cairn/protocol";
import { createTestChain, KOIN_ID } from "@cairn/chain/testing";
import { recordedBlocks, type RecordedBlock } from "../rebuild/testing/chain-scenario.ts";
import { republishBlocks } from "./republish.ts";

/** A block source over recorded blocks: ancestors of the requested head, by height. */
class FakeBlockSource implements Pick<BlockSource, "blocksWithReceiptsByHeight" | "highest"> {
  readonly calls: [bigint, number][] = [];
  private readonly byId = new Map<string, RecordedBlock>();

  constructor(
    blocks: RecordedBlock[],
    private readonly head: RecordedBlock,
  ) {
    for (const b of blocks) this.byId.set(toHex(b.block.id), b);
  }

  async highest(): Promise<BlockRef> {
    return { id: this.head.block.id, height: this.head.block.header!.height };
  }

  async blocksWithReceiptsByHeight(headId: Uint8Array, startHeight: bigint, count: number): Promise<BlockWithReceipt[]> {
    this.calls.push([startHeight, count]);
    const chain: BlockWithReceipt[] = [];
    for (let b = this.byId.get(toHex(headId)); b; b = this.byId.get(toHex(b.block.header!.previous))) chain.unshift({ block: b.block, receipt: b.receipt });
    return chain.filter(({ block }) => block.header!.height >= startHeight && block.header!.height < startHeight + BigInt(count));
  }
}

let blocks: RecordedBlock[];

beforeAll(async () => {
  const t = await createTestChain();
  for (let h = 1; h <= 6; h++) await t.produce(h === 4 ? [] : [t.transfer(h % 4, (h + 1) % 4, BigInt(h), BigInt(Math.ceil(h / 4)))]);
  blocks = recordedBlocks(t);
});

async function memoryBus() {
  const broker = createMemoryBroker();
  const bus: EventBus = createMemoryEventBus({ broker });
  await bus.start();
  const log = () => Array.from({ length: broker.log.lastSequence }, (_, i) => broker.log.get(i + 1)!);
  return { bus, log };
}

const transferSubject = () => `koinos.event.${addressToBase58(KOIN_ID)}.token.transfer_event`;

describe("republishBlocks", () => {
  test("publishes each block's accept (head, not live) then its event parcels, in height order", async () => {
    const { bus, log } = await memoryBus();
    const source = new FakeBlockSource(blocks, blocks.at(-1)!);
    const reports: ReplayProgress[] = [];
    const result = await republishBlocks(source, bus, { fromHeight: 2n, toHeight: 5n, batchSize: 3, progressIntervalMs: 0, onProgress: (p) => reports.push(p) });
    // Blocks 2, 3, 5 carry one transfer (one event each); block 4 is empty.
    const expected = [2, 3, 4, 5].flatMap((h) => (h === 4 ? [["koinos.block.accept", h]] : [["koinos.block.accept", h], [transferSubject(), h]]));
    const published = log();
    expect(published.map((m) => [m.subject, Number(m.subject === "koinos.block.accept" ? broadcast.BlockAccepted.decode(m.data).block!.header!.height : broadcast.EventParcel.decode(m.data).height)])).toEqual(expected);
    for (const m of published.filter((m) => m.subject === "koinos.block.accept")) {
      const e = broadcast.BlockAccepted.decode(m.data);
      const original = blocks[Number(e.block!.header!.height) - 1]!;
      expect(e).toEqual(broadcast.BlockAccepted.fromPartial({ block: original.block, receipt: original.receipt, head: true, live: false }));
    }
    const parcel = broadcast.EventParcel.decode(published[1]!.data);
    expect(parcel).toEqual(broadcast.EventParcel.fromPartial({ block_id: blocks[1]!.block.id, height: 2n, transaction_id: blocks[1]!.receipt.transaction_receipts[0]!.id, event: blocks[1]!.receipt.transaction_receipts[0]!.events[0] }));
    expect(result).toMatchObject({ blocks: 4, messages: 7, from: 2n, to: 5n, firstSequence: 1, lastSequence: 7 });
    expect(source.calls).toEqual([[2n, 3], [5n, 1]]);
    expect(reports.map((r) => r.done)).toEqual([3, 4]);
    expect(reports.at(-1)).toMatchObject({ total: 4, secondsLeft: 0 });
  });

  test("--subjects selects accept messages or event parcels", async () => {
    const source = new FakeBlockSource(blocks, blocks.at(-1)!);
    const onlyBlocks = await memoryBus();
    await republishBlocks(source, onlyBlocks.bus, { fromHeight: 1n, kinds: new Set(["block"]) });
    expect(onlyBlocks.log().map((m) => m.subject)).toEqual(Array(6).fill("koinos.block.accept"));
    const onlyEvents = await memoryBus();
    await republishBlocks(source, onlyEvents.bus, { fromHeight: 1n, kinds: new Set(["events"]) });
    expect(onlyEvents.log().map((m) => broadcast.EventParcel.decode(m.data).height)).toEqual([1n, 2n, 3n, 5n, 6n]);
  });

  test("the range is clipped at the head; a range above it publishes nothing", async () => {
    const source = new FakeBlockSource(blocks, blocks[3]!); // head at height 4
    const clipped = await memoryBus();
    expect(await republishBlocks(source, clipped.bus, { fromHeight: 3n, toHeight: 100n })).toMatchObject({ blocks: 2, from: 3n, to: 4n });
    const above = await memoryBus();
    expect(await republishBlocks(source, above.bus, { fromHeight: 5n })).toMatchObject({ blocks: 0, messages: 0, firstSequence: 0 });
    expect(above.log()).toEqual([]);
    expect(source.calls).toEqual([[3n, 2]]);
  });

  test("a block source that returns fewer blocks than asked stops the republish", async () => {
    const source = new FakeBlockSource(blocks.filter((b) => b.block.header!.height !== 3n), blocks.at(-1)!);
    const { bus } = await memoryBus();
    await expect(republishBlocks(source, bus, { fromHeight: 1n })).rejects.toThrow(/returned \d+ blocks at height 1, expected 6/);
  });
});
