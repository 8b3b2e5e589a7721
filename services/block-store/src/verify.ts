/**
 * What `AddBlock` checks before it stores a block: the block is what its id says (id = hash of the
 * header, transaction merkle root = its transactions), it carries a valid signature by the signer
 * its header names, and it extends a known block (block 1 extends genesis) at the next height.
 *
 * These checks keep junk out; they do not make a block part of the chain. Only the chain decides
 * that, and it says so after committing by publishing `koinos.block.accept`: until then a block
 * added here stays uncommitted (see `BlockStore.storeBlock`), so a signed block the chain never
 * committed is never served as the highest block or as a transaction's containing block.
 */
import { bytesEqual, toHex } from "@cairn/core";
import type { protocol } from "@cairn/proto";
import { ZERO_ID, blockId, blockSigner, matchesTransactionMerkleRoot } from "@cairn/protocol";
import { unverifiedBlock } from "./errors.ts";
import { topologyOfBlock } from "./store/codec.ts";
import type { BlockStore } from "./store/store.ts";

/** Throws `block_store.unverified_block` (or `invalid_block`) unless `block` may be stored. */
export async function verifyBlockToAdd(block: protocol.Block, store: Pick<BlockStore, "getTopology">): Promise<void> {
  const { height, previous } = topologyOfBlock(block);
  const header = block.header!;
  if (!bytesEqual(blockId(header), block.id)) throw unverifiedBlock("block id does not match its header");
  if (!matchesTransactionMerkleRoot(block.transactions, header.transaction_merkle_root)) throw unverifiedBlock("transaction merkle root does not match its transactions");
  let signer: Uint8Array;
  try {
    signer = blockSigner(block);
  } catch {
    throw unverifiedBlock("invalid block signature");
  }
  if (!bytesEqual(signer, header.signer)) throw unverifiedBlock("block signature is not by its header's signer");
  if (height === 0n) throw unverifiedBlock("block height 0 is genesis");
  if (height === 1n) {
    if (!bytesEqual(previous, ZERO_ID)) throw unverifiedBlock("block 1 must extend genesis");
    return;
  }
  const parent = await store.getTopology(previous);
  if (parent === undefined) throw unverifiedBlock(`unknown previous block 0x${toHex(previous)}`);
  if (parent.height + 1n !== height) throw unverifiedBlock(`block height ${height} does not follow its parent's ${parent.height}`);
}
