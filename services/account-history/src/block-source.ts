/**
 * Where account history reads blocks it did not get as events (catch-up, fork switches, rebuild):
 * the block store, behind an interface so tests and the one-process node can plug in anything.
 */
import type { block_store, protocol } from "@cairn/proto";
import type { PromiseClient } from "@cairn/rpc";
import { badBlockSource } from "./errors.ts";

/** A block's id and height. */
export interface BlockRef {
  id: Uint8Array;
  height: bigint;
}

/** A block with its receipt: everything account history derives entries from. */
export interface BlockWithReceipt {
  block: protocol.Block;
  receipt: protocol.BlockReceipt;
}

/** Blocks of a branch, by height (fork-aware: always relative to a given head block). */
export interface BlockSource {
  /**
   * The ancestors of `headId` (itself included) at heights `startHeight … startHeight + count − 1`,
   * ascending, with receipts, clipped at the head's height (`block_store.get_blocks_by_height`).
   */
  blocksByHeight(headId: Uint8Array, startHeight: bigint, count: number): Promise<BlockWithReceipt[]>;
  /** The same range as {@link BlockSource.blocksByHeight}, ids only (cheap: for finding a fork point). */
  idsByHeight(headId: Uint8Array, startHeight: bigint, count: number): Promise<BlockRef[]>;
  /** The highest block the source holds (the rebuild target), or undefined when it holds none. */
  highest(): Promise<BlockRef | undefined>;
}

/** Most blocks one `get_blocks_by_height` call returns (protocol §3.2). */
export const MAX_BLOCKS_PER_REQUEST = 1000;

/** The BlockStoreService methods `blockSourceFromClient` calls. */
export type BlockSourceClient = Pick<PromiseClient<typeof block_store.BlockStoreServiceDefinition>, "getBlocksByHeight" | "getHighestBlock">;

/** BlockSource over a BlockStoreService client (gRPC or in-process). */
export function blockSourceFromClient(client: BlockSourceClient): BlockSource {
  const items = async (headId: Uint8Array, startHeight: bigint, count: number, full: boolean) =>
    (
      await client.getBlocksByHeight({
        head_block_id: headId,
        ancestor_start_height: startHeight,
        num_blocks: Math.min(count, MAX_BLOCKS_PER_REQUEST),
        return_block: full,
        return_receipt: full,
      })
    ).block_items;
  return {
    async blocksByHeight(headId, startHeight, count) {
      return (await items(headId, startHeight, count, true)).map((item) => {
        if (!item.block || !item.receipt) throw badBlockSource("block store returned an item without its block or receipt", { height: String(item.block_height) });
        return { block: item.block, receipt: item.receipt };
      });
    },
    async idsByHeight(headId, startHeight, count) {
      return (await items(headId, startHeight, count, false)).map((item) => ({ id: item.block_id, height: item.block_height }));
    },
    async highest() {
      const t = (await client.getHighestBlock({})).topology;
      return t && t.id.length > 0 && t.height > 0n ? { id: t.id, height: t.height } : undefined;
    },
  };
}
