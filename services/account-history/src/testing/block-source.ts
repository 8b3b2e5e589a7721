/**
 * A BlockSource over blocks kept in memory: pass it to the chain harness as its block store
 * (`createTestChain({ blockStore: source })`) and it holds every block the chain applied, side
 * forks included, answering by height relative to any head the way the block store does.
 */
import { toHex } from "@cairn/core";
import type { protocol } from "@cairn/proto";
import type { BlockSink, BlockWithReceipt } from "@cairn/block-store/client";
import type { BlockRef } from "@cairn/protocol";
import type { HistoryBlocks } from "../ports.ts";

/** In-memory twin of the block store, as account history reads it. */
export class MemoryBlockSource implements HistoryBlocks, BlockSink {
  private readonly byId = new Map<string, BlockWithReceipt>();
  private best: BlockRef | undefined;
  /** Calls made, by method (tests assert that catch-up did or did not read). */
  readonly calls = { blocksWithReceiptsByHeight: 0, idsByHeight: 0, highest: 0 };
  /** When set, every call rejects with it (a block store that is down). */
  failWith: Error | undefined;

  /** Block sink for the chain harness: stores the block and its receipt. */
  async addBlock(block: protocol.Block, receipt: protocol.BlockReceipt): Promise<void> {
    this.byId.set(toHex(block.id), { block, receipt });
    const height = block.header?.height ?? 0n;
    if (!this.best || height > this.best.height) this.best = { id: block.id, height };
  }

  async blocksWithReceiptsByHeight(headId: Uint8Array, startHeight: bigint, count: number): Promise<BlockWithReceipt[]> {
    this.calls.blocksWithReceiptsByHeight++;
    return this.branch(headId, startHeight, count);
  }

  async idsByHeight(headId: Uint8Array, startHeight: bigint, count: number): Promise<BlockRef[]> {
    this.calls.idsByHeight++;
    return this.branch(headId, startHeight, count).map(({ block }) => ({ id: block.id, height: block.header!.height }));
  }

  async highest(): Promise<BlockRef | undefined> {
    this.calls.highest++;
    if (this.failWith) throw this.failWith;
    return this.best;
  }

  /** The stored block with this id. */
  get(id: Uint8Array): BlockWithReceipt | undefined {
    return this.byId.get(toHex(id));
  }

  /** Ancestors of `headId` at heights `startHeight …`, ascending, at most `count` (counts no call). */
  branch(headId: Uint8Array, startHeight: bigint, count: number): BlockWithReceipt[] {
    if (this.failWith) throw this.failWith;
    const branch: BlockWithReceipt[] = [];
    for (let b = this.byId.get(toHex(headId)); b && b.block.header!.height >= startHeight; b = this.byId.get(toHex(b.block.header!.previous))) branch.push(b);
    return branch.reverse().slice(0, count);
  }
}
