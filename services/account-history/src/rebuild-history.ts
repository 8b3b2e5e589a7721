/**
 * Rebuild: drops the read model and builds it again from the block store —
 * blocks 1 … head of the head's branch, in batches, each batch one transaction that also records
 * the applied head — reading the next batch while it writes one, and reporting progress as it goes. Stop the live service first: if anything else
 * moves the read model meanwhile, the rebuild stops with `account_history.contention`.
 */
import type { BlockSource } from "@cairn/block-store/client";
import { CairnError, ErrorStatus, progressMeter, type ReplayProgress } from "@cairn/core";
import { type BlockRef, ZERO_ID } from "@cairn/protocol";
import { AccountHistoryErrorCode, badBlockSource } from "./errors.ts";
import type { AccountHistoryStore } from "./store/store.ts";

/** Options of `rebuildAccountHistory`. */
export interface RebuildOptions {
  /** Called after each batch when `progressIntervalMs` has passed since the last call, and always at the end. */
  onProgress?: (p: ReplayProgress) => void;
  /** Minimum time between progress reports, ms. Default 1000 (0: after every batch). */
  progressIntervalMs?: number;
  /** Blocks per request and per database transaction. Default 100. */
  batchSize?: number;
  /** The head whose branch to rebuild. Default: the highest block the source holds. */
  head?: BlockRef;
  /** Stops between batches (the read model then holds a consistent prefix; the live service catches up). */
  signal?: AbortSignal;
}

/** What a rebuild did. */
export interface RebuildResult {
  head: BlockRef;
  blocks: number;
  entries: number;
  seconds: number;
}

/** Drops `store` and rebuilds it from `source` (see the file comment). */
export async function rebuildAccountHistory(store: AccountHistoryStore, source: Pick<BlockSource, "blocksWithReceiptsByHeight" | "highest">, opts: RebuildOptions = {}): Promise<RebuildResult> {
  const batch = opts.batchSize ?? 100;
  const interval = opts.progressIntervalMs ?? 1000;
  const target = opts.head ?? (await source.highest()) ?? { id: ZERO_ID, height: 0n };
  await store.reset();
  const total = Number(target.height);
  const meter = progressMeter(total);
  let expected: BlockRef = { id: ZERO_ID, height: 0n };
  let done = 0;
  let entries = 0;
  let lastReport = performance.now();
  // The next batch is read while this one is written: the rebuild runs at the slower of the two, not their sum.
  const read = (h: bigint) => source.blocksWithReceiptsByHeight(target.id, h, Math.min(batch, Number(target.height - h + 1n)));
  let next = target.height >= 1n ? read(1n) : undefined;
  for (let h = 1n; h <= target.height; h += BigInt(batch)) {
    opts.signal?.throwIfAborted();
    const blocks = await next!;
    const following = h + BigInt(batch);
    next = following <= target.height ? read(following) : undefined;
    // Rejections of a read-ahead abandoned by an error here are not unhandled: the loop's error wins.
    next?.catch(() => undefined);
    if (blocks.length === 0) throw badBlockSource("block store returned no blocks for the rebuild target's branch", { from: String(h) });
    const r = await store.apply({ expectedHead: expected, blocks });
    if (r.outcome === "conflict") {
      throw new CairnError(AccountHistoryErrorCode.Contention, "the read model changed during the rebuild: stop the account history service first", { status: ErrorStatus.Aborted, data: { height: String(r.head.height) } });
    }
    expected = r.head;
    done += blocks.length;
    entries += r.entries;
    const now = performance.now();
    if (opts.onProgress && now - lastReport >= interval && done < total) {
      opts.onProgress(meter(done));
      lastReport = now;
    }
  }
  const final = meter(done);
  opts.onProgress?.(final);
  return { head: expected, blocks: done, entries, seconds: final.elapsedSeconds };
}
