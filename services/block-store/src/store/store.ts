/**
 * The block store's storage contract. Two implementations: `DrizzleBlockStore` (Postgres or PGlite)
 * and `MemoryBlockStore` (the one-process dev node); one contract suite
 * (`src/testing/block-store-contract.ts`) runs against each.
 *
 * Stored blocks are immutable facts keyed by id: `storeBlock` is idempotent (storing a block again
 * changes nothing), whichever path delivers it (the chain's `AddBlock`, or `koinos.block.accept`).
 * The store is fork-aware: it keeps every block it is given, whether or not its parent is known.
 */
import type { protocol } from "@cairn/proto";

/** A block's place in the tree: id, height and parent id (`protocol.BlockTopology` fields). */
export interface Topology {
  id: Uint8Array;
  height: bigint;
  previous: Uint8Array;
}

/** What to load besides the topology. */
export interface ReadOptions {
  /** Return the block (decoded on first access; its stored bytes in `encoded`). */
  block: boolean;
  /** Return the receipt, likewise (undefined when the block was stored without one). */
  receipt: boolean;
}

/** A stored block as read back. */
export interface BlockRecord extends Topology {
  /** Present when requested. */
  block?: protocol.Block;
  /** Present when requested and stored. */
  receipt?: protocol.BlockReceipt;
  /**
   * The stored encoding of the requested `block` and `receipt` (what they decode from), when the
   * store keeps them encoded: the service splices these bytes into its gRPC answers instead of
   * encoding the decoded messages again. Both stores set it, and then decode only on access.
   */
  encoded?: { block?: Uint8Array; receipt?: Uint8Array };
}

/** One block of `storeBlocks`. */
export interface StoreItem {
  block: protocol.Block;
  receipt?: protocol.BlockReceipt;
}

/** A stored transaction and every block (any fork) containing it, in storing order. */
export interface TransactionRecord {
  transaction: protocol.Transaction;
  containingBlocks: Uint8Array[];
}

/** The last block stored (architecture §3 catch-up bookkeeping). */
export interface Progress {
  blockId: Uint8Array;
  height: bigint;
}

/** Blocks, receipts and transactions by id; ancestor walks; the last block applied. */
export interface BlockStore {
  /**
   * Stores `block` with its receipt, its transactions and their containing-block links, and
   * records it as the last block applied — all in one database transaction. Resolves `true` when
   * the block was new, `false` when it was already stored (nothing else changes). Throws
   * `block_store.invalid_block` when the block has no id or header.
   *
   * `committed` (default true) says the chain has committed the block: it and its stored
   * uncommitted ancestors are then marked committed, whether the block was new or not. An
   * uncommitted block (the chain's `AddBlock`, before its commit) is served by id and in walks
   * from a given head, but is never the highest block nor a transaction's containing block.
   */
  storeBlock(block: protocol.Block, receipt?: protocol.BlockReceipt, committed?: boolean): Promise<boolean>;
  /**
   * `storeBlock` of each item in order, in one database transaction: the same result (one boolean
   * per item) as storing them one by one, in a handful of statements instead of a few per block.
   * For bulk loads (a rebuild by replay); the parents of a batch's blocks may be in the batch.
   */
  storeBlocks(items: readonly StoreItem[], committed?: boolean): Promise<boolean[]>;
  /** Positional: one entry per id, `undefined` for an unknown id. */
  getBlocksById(ids: readonly Uint8Array[], options: ReadOptions): Promise<(BlockRecord | undefined)[]>;
  /** The topology of a stored block, or undefined. */
  getTopology(id: Uint8Array): Promise<Topology | undefined>;
  /**
   * The ancestors of `head` (a stored block, itself included) whose heights lie in
   * `[startHeight, endHeight]`, ascending. The walk follows `previous` links, so the result is
   * the head's own fork. It stops early at a missing ancestor: the result is then the part above
   * the gap.
   */
  getAncestors(head: Topology, startHeight: bigint, endHeight: bigint, options: ReadOptions): Promise<BlockRecord[]>;
  /** The highest committed block (ties: the first stored), or undefined when there is none. */
  getHighestBlock(): Promise<Topology | undefined>;
  /**
   * The known transactions among `ids`, in request order (unknown ids skipped, duplicates kept),
   * each with its committed containing blocks.
   */
  getTransactionsById(ids: readonly Uint8Array[]): Promise<TransactionRecord[]>;
  /** The last block stored, or undefined when none. */
  getProgress(): Promise<Progress | undefined>;
  /** Deletes every block, transaction and progress row (before a rebuild by replay). */
  reset(): Promise<void>;
}
