/**
 * Koinos merkle root (koinos-crypto `merkle_tree`, koilib `calculateMerkleRoot`): pair adjacent
 * 32-byte digests left to right, parent = sha256(left ‖ right); an unpaired last node is carried
 * up unchanged; zero leaves → sha256(""); one leaf → that leaf.
 */
import { sha256 } from "./hash.ts";

const EMPTY_ROOT = sha256(new Uint8Array(0));

/** Merkle root digest (raw 32 bytes, no multihash prefix) of digest leaves. */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT.slice();
  let level = leaves.slice();
  const pair = new Uint8Array(64);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      if (i + 1 === level.length) {
        next.push(level[i]!);
        break;
      }
      pair.set(level[i]!, 0);
      pair.set(level[i + 1]!, 32);
      next.push(sha256(pair));
    }
    level = next;
  }
  return level[0]!;
}
