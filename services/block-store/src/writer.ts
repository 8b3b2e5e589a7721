/**
 * The one way blocks enter the store, shared by `AddBlock` (the chain, synchronously, before it
 * commits a block) and the `koinos.block.accept` consumer. Idempotent by block id: whichever path
 * comes second changes nothing. Counts and logs every write.
 */
import { toHex, type Logger } from "@cairn/core";
import type { protocol } from "@cairn/proto";
import type { BlockOrigin, BlockStoreMetrics } from "./metrics.ts";
import type { BlockStore } from "./store/store.ts";

/** Stores blocks; resolves `true` when the block was new. */
export type BlockWriter = (block: protocol.Block, receipt: protocol.BlockReceipt | undefined, source: BlockOrigin) => Promise<boolean>;

/** What the writer uses. */
export interface BlockWriterDeps {
  store: BlockStore;
  metrics: BlockStoreMetrics;
  logger: Logger;
}

/** Builds the shared `storeBlock` path. */
export function createBlockWriter({ store, metrics, logger }: BlockWriterDeps): BlockWriter {
  let highest = -1n;
  return async (block, receipt, source) => {
    const stop = metrics.storeDuration.startTimer();
    // AddBlock comes before the chain's commit; the event after it (architecture §4).
    const stored = await store.storeBlock(block, receipt, source !== "add_block");
    stop();
    const height = block.header?.height ?? 0n;
    if (stored) {
      metrics.blocksStored.inc({ source });
      if (height > highest) {
        highest = height;
        metrics.highestHeight.set(Number(height));
      }
      logger.debug({ block: toHex(block.id), height: Number(height), source }, "block stored");
    } else {
      metrics.duplicateBlocks.inc({ source });
      logger.trace({ block: toHex(block.id), height: Number(height), source }, "block already stored");
    }
    return stored;
  };
}
