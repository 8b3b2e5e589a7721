/**
 * The mempool's durable record: the pending transactions and the last head block they reflect.
 * The in-memory pool is the fast path; this is what a restart loads. A block's removals (and any
 * additions not yet written) commit in ONE database transaction with the progress row.
 */
import type { BlockRef } from "@cairn/protocol";

/** What a pending transaction costs besides rc (copied into `PendingTransaction`). */
export interface ResourceUse {
  diskStorageUsed: bigint;
  networkBandwidthUsed: bigint;
  computeBandwidthUsed: bigint;
  systemDiskStorageUsed: bigint;
  systemNetworkBandwidthUsed: bigint;
  systemComputeBandwidthUsed: bigint;
}

/** One stored pending transaction. */
export interface PendingRecord {
  id: Uint8Array;
  payer: Uint8Array;
  /** Payee when set and ≠ payer, else payer (protocol §4.6). */
  nonceAccount: Uint8Array;
  nonce: bigint;
  /** receipt.rc_used: the rc this transaction reserves of its payer. */
  rcUsed: bigint;
  resources: ResourceUse;
  /** The transaction, binary protobuf. */
  transaction: Uint8Array;
  /** Arrival order. */
  sequence: bigint;
  /** Receipt time, ms since epoch. */
  receivedAt: number;
}

/** What `MempoolStore.load` returns. */
export interface LoadedMempool {
  /** Every stored pending transaction, in arrival order. */
  pending: PendingRecord[];
  /** The last head block applied, or undefined before the first start. */
  progress: BlockRef | undefined;
}

/** One atomic write. An id appears in at most one of `upserts` and `deletes`. */
export interface StoreWrite {
  /** Rows to insert (an existing row with the same id is left as it is). */
  upserts: PendingRecord[];
  /** Ids to delete (unknown ids are ignored). */
  deletes: Uint8Array[];
  /** New progress row, when a block was applied. */
  progress?: BlockRef;
}

/** The mempool's tables behind one interface (drizzle on Postgres/PGlite, or in memory). */
export interface MempoolStore {
  load(): Promise<LoadedMempool>;
  /** Applies `w` in one database transaction. */
  write(w: StoreWrite): Promise<void>;
}

/** A ResourceUse of zeros. */
export function zeroResources(): ResourceUse {
  return {
    diskStorageUsed: 0n,
    networkBandwidthUsed: 0n,
    computeBandwidthUsed: 0n,
    systemDiskStorageUsed: 0n,
    systemNetworkBandwidthUsed: 0n,
    systemComputeBandwidthUsed: 0n,
  };
}
