/**
 * The fork point between the applied chain and a target block: the highest height where the
 * applied block and the target's ancestor (per the block source) are the same block. Compared in
 * windows walking down from the lower of the two heights; genesis (height 0) is always common.
 */
import { bytesEqual, toHex } from "@cairn/core";
import { ZERO_ID } from "@cairn/protocol";
import type { BlockSource } from "@cairn/block-store/client";
import type { BlockRef } from "@cairn/protocol";
import { badBlockSource } from "./errors.ts";
import type { AccountHistoryStore } from "./store/store.ts";

/** Heights compared per round trip. Forks above the LIB are at most 60 deep (Koinos default). */
const WINDOW = 64n;

/** The highest block both the applied chain (ending at `head`) and `target`'s chain contain. */
export async function findCommonAncestor(store: Pick<AccountHistoryStore, "appliedBlocks">, source: Pick<BlockSource, "idsByHeight">, head: BlockRef, target: BlockRef): Promise<BlockRef> {
  let top = head.height < target.height ? head.height : target.height;
  while (top > 0n) {
    const low = top - WINDOW + 1n > 1n ? top - WINDOW + 1n : 1n;
    const count = Number(top - low + 1n);
    const [ours, theirs] = await Promise.all([store.appliedBlocks(low, top), source.idsByHeight(target.id, low, count)]);
    if (theirs.length !== count) throw badBlockSource("block store does not hold the target's chain", { target: toHex(target.id), from: String(low), to: String(top), got: theirs.length });
    const mine = new Map(ours.map((b) => [b.height, b.id]));
    for (let i = theirs.length - 1; i >= 0; i--) {
      const t = theirs[i]!;
      const id = mine.get(t.height);
      if (id && bytesEqual(id, t.id)) return { id, height: t.height };
    }
    top = low - 1n;
  }
  return { id: ZERO_ID, height: 0n };
}
