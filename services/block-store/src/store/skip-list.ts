/**
 * Skip pointers, so the ancestor of a block at any height is found in O(log distance) lookups
 * instead of one per block (the scheme of Bitcoin Core's `CBlockIndex::pskip`). Each block keeps,
 * besides `previous`, the id of its ancestor at `skipHeight(height)`; the heights are chosen so
 * that following skip pointers greedily reaches any lower height in logarithmically many steps.
 *
 * A pointer is computed when the block is stored, from its parent's pointers. When the parent (or
 * an ancestor on the way) is not stored yet, the block gets no pointer and walks through it use
 * `previous` instead: pointers are an accelerator, never needed for correctness.
 */
import type { Topology } from "./store.ts";

/** A topology with its skip pointer (`null`: none). */
export interface SkipNode extends Topology {
  skip: Uint8Array | null;
}

/** Finds a stored block by id (cache, then database). */
export type NodeLookup = (id: Uint8Array) => Promise<SkipNode | undefined>;

/** `n` with its lowest set bit cleared. */
function clearLowestBit(n: bigint): bigint {
  return n & (n - 1n);
}

/**
 * Height a block at `height` points to with its skip pointer (0: none — heights start at 1).
 * Odd heights point further back than `height & (height - 1)` so that walks alternate between
 * long and short jumps.
 */
export function skipHeight(height: bigint): bigint {
  if (height < 2n) return 0n;
  return (height & 1n) === 1n ? clearLowestBit(clearLowestBit(height - 1n)) + 1n : clearLowestBit(height);
}

/**
 * Whether a walk at `from` (a block with a skip pointer) heading for `height` below it takes the
 * skip pointer: unless it overshoots, or the parent's pointer would land closer. One step of
 * `ancestorAt`, shared with stores that walk synchronously.
 */
export function takesSkip(from: bigint, height: bigint): boolean {
  const jump = skipHeight(from);
  const jumpPrev = skipHeight(from - 1n);
  return jump === height || (jump > height && !(jumpPrev < jump - 2n && jumpPrev >= height));
}

/** Below this, heights fit the bitwise operators (32-bit) and the number versions below apply. */
export const NUMBER_HEIGHT_LIMIT = 2 ** 31;

/** `skipHeight` on a number below `NUMBER_HEIGHT_LIMIT`: no BigInt allocated per step. */
export function skipHeightNumber(height: number): number {
  if (height < 2) return 0;
  const clear = (n: number) => n & (n - 1);
  return (height & 1) === 1 ? clear(clear(height - 1)) + 1 : clear(height);
}

/** `takesSkip` on numbers below `NUMBER_HEIGHT_LIMIT`. */
export function takesSkipNumber(from: number, height: number): boolean {
  const jump = skipHeightNumber(from);
  const jumpPrev = skipHeightNumber(from - 1);
  return jump === height || (jump > height && !(jumpPrev < jump - 2 && jumpPrev >= height));
}

/**
 * The ancestor of `from` (itself included) at `height`, or undefined when `height` is above it,
 * below 1, or the walk meets a block that is not stored (or whose height does not fit).
 */
export async function ancestorAt(from: SkipNode, height: bigint, lookup: NodeLookup): Promise<SkipNode | undefined> {
  if (height > from.height || height < 1n) return undefined;
  let node = from;
  while (node.height > height) {
    const useSkip = node.skip !== null && takesSkip(node.height, height);
    const next = await lookup(useSkip ? node.skip! : node.previous);
    if (next === undefined || next.height !== (useSkip ? skipHeight(node.height) : node.height - 1n)) return undefined;
    node = next;
  }
  return node;
}

/** The skip pointer for a new block at `height` whose parent is `parent` (undefined: not stored). */
export async function skipPointerFor(height: bigint, parent: SkipNode | undefined, lookup: NodeLookup): Promise<Uint8Array | null> {
  const target = skipHeight(height);
  if (target < 1n || parent === undefined || parent.height !== height - 1n) return null;
  return (await ancestorAt(parent, target, lookup))?.id ?? null;
}
