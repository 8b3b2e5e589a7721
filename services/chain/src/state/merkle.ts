/**
 * State merkle root. Cairn commits to the whole state history: the root after a block is the
 * merkle root of [previous root digest, sha256(delta entry) for each change sorted by key].
 * The genesis root uses the sha256("") digest as the "previous" leaf over the genesis objects.
 * A block that changes nothing keeps its parent's root. (Koinos's roots depend on its state
 * database internals; they are only compared within one chain, so Cairn documents its own.)
 */
import { protocol } from "@cairn/proto";
import { fromMultihash, merkleRoot, sha256, toMultihash } from "@cairn/protocol";
import type { StateChange } from "./state.ts";

/** Root (multihash) after applying `sortedChanges` on top of `previousRoot` (multihash). */
export function nextStateRoot(previousRoot: Uint8Array, sortedChanges: readonly StateChange[]): Uint8Array {
  if (sortedChanges.length === 0) return previousRoot;
  const leaves = [fromMultihash(previousRoot).digest];
  for (const c of sortedChanges) {
    leaves.push(sha256(protocol.StateDeltaEntry.encode(protocol.StateDeltaEntry.fromPartial({ object_space: c.space, key: c.key, value: c.value })).finish()));
  }
  return toMultihash(merkleRoot(leaves));
}

/** The root before any object exists: sha256("") as a multihash. */
export const EMPTY_STATE_ROOT: Uint8Array = toMultihash(sha256(new Uint8Array()));
