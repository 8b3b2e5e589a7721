/**
 * `--reindex`: drops chain state and rebuilds it by re-applying every block the block store holds
 * on its highest chain, in height order, printing progress (blocks done, rate, time left).
 */
import type { Logger } from "@cairn/core";
import type { block_store } from "@cairn/proto";
import type { PromiseClient } from "@cairn/rpc";
import type { Chain } from "./chain.ts";

export type BlockStoreReads = Pick<PromiseClient<typeof block_store.BlockStoreServiceDefinition>, "getHighestBlock" | "getBlocksByHeight">;

const BATCH = 500;

export async function reindex(chain: Chain, blocks: BlockStoreReads, logger: Logger, signal?: AbortSignal): Promise<{ blocks: number }> {
  const highest = (await blocks.getHighestBlock({})).topology;
  const target = highest?.height ?? 0n;
  logger.info({ target: Number(target) }, "reindex: rebuilding chain state from the block store");
  await chain.reset();
  if (!highest || target === 0n) return { blocks: 0 };
  const started = performance.now();
  let done = 0;
  let lastReport = started;
  for (let h = 1n; h <= target; h += BigInt(BATCH)) {
    signal?.throwIfAborted();
    const res = await blocks.getBlocksByHeight({ head_block_id: highest.id, ancestor_start_height: h, num_blocks: BATCH, return_block: true, return_receipt: false });
    for (const item of res.block_items) {
      if (!item.block) throw new Error(`block store returned no block at height ${item.block_height}`);
      await chain.submitBlock(item.block, { replay: true });
      done++;
    }
    const now = performance.now();
    if (now - lastReport > 2000 || h + BigInt(BATCH) > target) {
      const rate = done / ((now - started) / 1000);
      const left = Number(target) - done;
      logger.info({ done, target: Number(target), blocksPerSecond: Math.round(rate), secondsLeft: Math.round(left / Math.max(rate, 1e-9)) }, "reindex: progress");
      lastReport = now;
    }
  }
  logger.info({ blocks: done, seconds: Math.round((performance.now() - started) / 1000) }, "reindex: done");
  return { blocks: done };
}
