/**
 * Reads a stretch of a branch from the block source (gap fill, fork switch, catch-up at start)
 * and tells whether the branch still contains the block the mempool applied last.
 */
import { bytesEqual } from "@cairn/core";
import { MAX_REQUEST_ITEMS } from "@cairn/block-store/client";
import type { Inclusions } from "./inclusions.ts";
import type { MempoolBlocks } from "./ports.ts";
import type { BlockRef } from "@cairn/protocol";

/** What to read: heights `from … to` of the branch ending at `headId`. */
export interface BranchRange {
  headId: Uint8Array;
  from: bigint;
  to: bigint;
}

/** Outcome of a scan. */
export interface BranchScan {
  /** False when the branch has another block at `last.height` than `last` (a fork switch). */
  containsLast: boolean;
  /** Blocks read. */
  blocks: number;
}

/**
 * Adds every block of `range` to `into`, in batches of 1,000, and checks the block at
 * `last.height` (when inside the range and above 0) against `last.id`.
 */
export async function scanBranch(source: MempoolBlocks, range: BranchRange, last: BlockRef, into: Inclusions): Promise<BranchScan> {
  let containsLast = true;
  let blocks = 0;
  for (let h = range.from; h <= range.to; ) {
    const span = range.to - h + 1n;
    const count = span < BigInt(MAX_REQUEST_ITEMS) ? Number(span) : MAX_REQUEST_ITEMS;
    const got = await source.blocksByHeight(range.headId, h, count);
    for (const b of got) {
      into.addBlock(b);
      if (last.height > 0n && b.header?.height === last.height && !bytesEqual(b.id, last.id)) containsLast = false;
    }
    blocks += got.length;
    if (got.length < count) break; // clipped at the branch's head
    h += BigInt(count);
  }
  return { containsLast, blocks };
}
