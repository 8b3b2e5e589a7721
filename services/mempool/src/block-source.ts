/** Where the mempool reads blocks it did not see as events (catch-up, fork switches): the block store. */
import { CairnError, ErrorStatus } from "@cairn/core";
import type { block_store, protocol } from "@cairn/proto";
import type { PromiseClient } from "@cairn/rpc";
import { MempoolErrorCode } from "./errors.ts";

/** Most blocks one `block_store.get_blocks_by_height` call returns (protocol §3.2). */
export const MAX_BLOCKS_PER_REQUEST = 1000;

/** Blocks of a branch by height. */
export interface BlockSource {
  /**
   * The ancestors of `headId` (itself included) at heights `startHeight … startHeight + count − 1`,
   * ascending, clipped at the head's height (`block_store.get_blocks_by_height`). `count` ≤ 1000.
   */
  blocksByHeight(headId: Uint8Array, startHeight: bigint, count: number): Promise<protocol.Block[]>;
}

/** The BlockStoreService method `blockSourceFromClient` calls. */
export type BlockSourceClient = Pick<PromiseClient<typeof block_store.BlockStoreServiceDefinition>, "getBlocksByHeight">;

/** BlockSource over a BlockStoreService client (gRPC or in-process). */
export function blockSourceFromClient(client: BlockSourceClient): BlockSource {
  return {
    async blocksByHeight(headId, startHeight, count) {
      const res = await client.getBlocksByHeight({
        head_block_id: headId,
        ancestor_start_height: startHeight,
        num_blocks: count,
        return_block: true,
        return_receipt: false,
      });
      return res.block_items.map((item) => {
        if (!item.block) {
          throw new CairnError(MempoolErrorCode.BadBlockSource, "block store returned an item without its block", {
            status: ErrorStatus.Unavailable,
            data: { height: String(item.block_height) },
          });
        }
        return item.block;
      });
    },
  };
}
