/** A BlockStoreService over a MemoryBlockSource, for tests of the gRPC adapter and the rebuild CLI. */
import { block_store, protocol } from "@cairn/proto";
import type { ServiceImplementation } from "@cairn/rpc";
import type { MemoryBlockSource } from "./block-source.ts";

/** The four BlockStoreService RPCs answered from `source` (fork-aware by height, like the real one). */
export function memoryBlockStoreService(source: MemoryBlockSource): ServiceImplementation<typeof block_store.BlockStoreServiceDefinition> {
  const item = (b: { block: protocol.Block; receipt: protocol.BlockReceipt }, withBlock: boolean, withReceipt: boolean): block_store.BlockItem => ({
    block_id: b.block.id,
    block_height: b.block.header!.height,
    block: withBlock ? b.block : undefined,
    receipt: withReceipt ? b.receipt : undefined,
  });
  return {
    getBlocksById(req) {
      const found = req.block_ids.map((id) => source.get(id));
      return { block_items: found.map((b) => (b ? item(b, req.return_block, req.return_receipt) : block_store.BlockItem.fromPartial({}))) };
    },
    getBlocksByHeight(req) {
      return { block_items: source.branch(req.head_block_id, req.ancestor_start_height, req.num_blocks).map((b) => item(b, req.return_block, req.return_receipt)) };
    },
    async addBlock(req) {
      await source.addBlock(req.block_to_add!, req.receipt_to_add!);
      return {};
    },
    async getHighestBlock() {
      const best = await source.highest();
      const b = best && source.get(best.id);
      return { topology: b ? protocol.BlockTopology.fromPartial({ id: b.block.id, height: b.block.header!.height, previous: b.block.header!.previous }) : undefined };
    },
  };
}
