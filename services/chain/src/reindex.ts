/**
 * `--reindex`: drops chain state and rebuilds it by re-applying every block the block store holds
 * on its highest chain, in height order, logging progress (blocks done, rate, time left).
 */
import type { BlockSource } from "@cairn/block-store/client";
import { type Logger, progressMeter } from "@cairn/core";
import type { Chain } from "./chain.ts";

/** Blocks read per block store request. */
const BATCH = 500;

/** Minimum time between progress lines, ms. */
const REPORT_INTERVAL_MS = 2000;

export async function reindex(chain: Chain, blocks: Pick<BlockSource, "highest" | "blocksByHeight">, logger: Logger, signal?: AbortSignal): Promise<{ blocks: number }> {
  const highest = await blocks.highest();
  const target = highest?.height ?? 0n;
  logger.info({ target: Number(target) }, "reindex: rebuilding chain state from the block store");
  await chain.reset();
  if (!highest) return { blocks: 0 };
  const meter = progressMeter(Number(target));
  let done = 0;
  let lastReport = performance.now();
  for (let h = 1n; h <= target; h += BigInt(BATCH)) {
    signal?.throwIfAborted();
    for (const block of await blocks.blocksByHeight(highest.id, h, BATCH)) {
      await chain.submitBlock(block, { replay: true });
      done++;
    }
    const now = performance.now();
    if (now - lastReport > REPORT_INTERVAL_MS || h + BigInt(BATCH) > target) {
      const p = meter(done);
      logger.info({ done, target: Number(target), blocksPerSecond: Math.round(p.blocksPerSecond), secondsLeft: Math.round(Number.isFinite(p.secondsLeft) ? p.secondsLeft : 0) }, "reindex: progress");
      lastReport = now;
    }
  }
  logger.info({ blocks: done, seconds: Math.round(meter(done).elapsedSeconds) }, "reindex: done");
  return { blocks: done };
}
