/**
 * Rebuild: drops the read model and builds it again from the block store —
 * blocks 1 … head of the head's branch, read in requests of `batchSize` blocks and written in
 * transactions of `transactionBlocks` (each also records the applied head) — reading ahead while
 * it writes, and reporting progress as it goes. Stop the live service first: if anything else
 * moves the read model meanwhile, the rebuild stops with `account_history.contention`.
 */
import type { BlockSource, BlockWithReceipt } from "@cairn/block-store/client";
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
  /** Blocks per request to the block source. Default 100. */
  batchSize?: number;
  /**
   * Blocks per database transaction, gathered from whole requests (so at least `batchSize`).
   * Default `batchSize`. A rebuild from a block store service raises it: every transaction costs
   * a few round trips (the head's lock and update, the last seq_nums of its addresses, the commit)
   * whatever its size.
   */
  transactionBlocks?: number;
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
  // Requests run ahead of the writer, enough to fill the next transaction while this one is
  // written: the rebuild runs at the slower of reading and writing, not their sum.
  const perTransaction = Math.max(opts.transactionBlocks ?? batch, batch);
  const ahead = Math.ceil(perTransaction / batch) + 1;
  const reads: Promise<BlockWithReceipt[]>[] = [];
  let nextRead = 1n;
  const readAhead = () => {
    while (reads.length < ahead && nextRead <= target.height) {
      const request = source.blocksWithReceiptsByHeight(target.id, nextRead, Math.min(batch, Number(target.height - nextRead + 1n)));
      // Rejections of a read-ahead abandoned by an error here are not unhandled: the loop's error wins.
      request.catch(() => undefined);
      reads.push(request);
      nextRead += BigInt(batch);
    }
  };
  readAhead();
  let pending: BlockWithReceipt[] = [];
  for (let h = 1n; h <= target.height; h += BigInt(batch)) {
    opts.signal?.throwIfAborted();
    const blocks = await reads.shift()!;
    readAhead();
    if (blocks.length === 0) throw badBlockSource("block store returned no blocks for the rebuild target's branch", { from: String(h) });
    pending = pending.length === 0 ? blocks : pending.concat(blocks);
    if (pending.length < perTransaction && h + BigInt(batch) <= target.height) continue;
    const r = await store.apply({ expectedHead: expected, blocks: pending });
    if (r.outcome === "conflict") {
      throw new CairnError(AccountHistoryErrorCode.Contention, "the read model changed during the rebuild: stop the account history service first", { status: ErrorStatus.Aborted, data: { height: String(r.head.height) } });
    }
    expected = r.head;
    done += pending.length;
    entries += r.entries;
    pending = [];
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
