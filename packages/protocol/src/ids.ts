/**
 * Ids and merkle roots of transactions and blocks. Ids hash the canonical protobuf bytes of the
 * header (ascending field order, defaults omitted — what ts-proto's encode writes for our
 * proto3 messages, and what Koinos's C++ writes).
 */
import { concatBytes } from "@cairn/core";
import { protocol } from "@cairn/proto";
import { sha256, sha256Multihash, toMultihash } from "./hash.ts";
import { merkleRoot } from "./merkle.ts";

/** A block's id and height: how services point at a block (a head, the LIB, a fork point). */
export interface BlockRef {
  id: Uint8Array;
  height: bigint;
}

type TransactionHeader = protocol.TransactionHeader;
type BlockHeader = protocol.BlockHeader;
type Operation = protocol.Operation;
type Transaction = protocol.Transaction;

/** Canonical bytes of a transaction header. */
export function transactionHeaderBytes(header: TransactionHeader): Uint8Array {
  return protocol.TransactionHeader.encode(header).finish();
}

/** Canonical bytes of a block header. */
export function blockHeaderBytes(header: BlockHeader): Uint8Array {
  return protocol.BlockHeader.encode(header).finish();
}

/** Transaction id: sha256 multihash of the header's canonical bytes. */
export function transactionId(header: TransactionHeader): Uint8Array {
  return sha256Multihash(transactionHeaderBytes(header));
}

/** Block id: sha256 multihash of the header's canonical bytes. */
export function blockId(header: BlockHeader): Uint8Array {
  return sha256Multihash(blockHeaderBytes(header));
}

/** The 32-byte digest a transaction's signatures sign (the id without its multihash prefix). */
export function transactionDigest(header: TransactionHeader): Uint8Array {
  return sha256(transactionHeaderBytes(header));
}

/** The 32-byte digest a block signature signs. */
export function blockDigest(header: BlockHeader): Uint8Array {
  return sha256(blockHeaderBytes(header));
}

/** Operation merkle root (multihash): leaves are sha256 of each operation's bytes, in order. */
export function operationMerkleRoot(operations: readonly Operation[]): Uint8Array {
  return toMultihash(merkleRoot(operations.map((op) => sha256(protocol.Operation.encode(op).finish()))));
}

/**
 * Transaction merkle root (multihash) of a block: two leaves per transaction, sha256(header
 * bytes) and sha256(all its signatures concatenated), in order.
 */
export function transactionMerkleRoot(transactions: readonly Transaction[]): Uint8Array {
  const known = transactionRoots.get(transactions);
  if (known !== undefined) return known.slice();
  const leaves: Uint8Array[] = [];
  for (const tx of transactions) {
    leaves.push(sha256(transactionHeaderBytes(tx.header ?? protocol.TransactionHeader.create())));
    leaves.push(sha256(concatBytes(...tx.signatures)));
  }
  const root = toMultihash(merkleRoot(leaves));
  transactionRoots.set(transactions, root);
  return root.slice();
}

/**
 * Transaction merkle roots by the array they were computed from. In the one-process node one
 * block object goes from the producer (which computes its root) to the chain and to the block
 * store, which each check it: the root is hashed once per block, not three times (~3% of the dev
 * node's CPU per transfer). Keyed by identity, so a block decoded from bytes is always hashed;
 * like the bus's shared payloads, a block's transactions are not changed once it is built.
 */
const transactionRoots = new WeakMap<readonly Transaction[], Uint8Array>();

/**
 * Records `root` as the transaction merkle root of `transactions` (a block builder that computed
 * it for an equal list it has copied), so checking the block later does not hash it again.
 */
export function rememberTransactionMerkleRoot(transactions: readonly Transaction[], root: Uint8Array): void {
  transactionRoots.set(transactions, root.slice());
}
