/**
 * A pending transaction as the mempool holds it: the stored record plus what lookups need
 * (hex keys, the decoded transaction, the nonce bytes as sent).
 */
import { CairnError, ErrorStatus, toHex } from "@cairn/core";
import { type broadcast, encodeRemembered, mempool, protocol } from "@cairn/proto";
import { decodeNonce, nonceAccount } from "@cairn/protocol";
import { MempoolErrorCode } from "../errors.ts";
import type { PendingRecord } from "../store/store.ts";

/** A pending transaction with its lookup keys. */
export interface PendingEntry extends PendingRecord {
  idHex: string;
  payerHex: string;
  nonceAccountHex: string;
  /** The decoded transaction. */
  tx: protocol.Transaction;
  /** header.nonce, verbatim (what get_pending_nonce returns). */
  nonceBytes: Uint8Array;
  /** header.rc_limit: what the transaction reserves of its payer's rc while pending (as koinos-mempool). */
  rcLimit: bigint;
}

function invalid(message: string): CairnError {
  return new CairnError(MempoolErrorCode.InvalidTransaction, message, { status: ErrorStatus.InvalidArgument });
}

/** Builds an entry from a `koinos.transaction.accept` payload; throws when it lacks a header or payer. */
export function entryFromAccepted(msg: broadcast.TransactionAccepted, sequence: bigint, receivedAt: number): PendingEntry {
  const tx = msg.transaction;
  const header = tx?.header;
  if (!tx || !header || tx.id.length === 0 || header.payer.length === 0) throw invalid("transaction without id, header or payer");
  const nonce = decodeNonce(header.nonce);
  const r = msg.receipt ?? protocol.TransactionReceipt.create();
  const account = nonceAccount(header);
  return {
    id: tx.id,
    idHex: toHex(tx.id),
    payer: header.payer,
    payerHex: toHex(header.payer),
    nonceAccount: account,
    nonceAccountHex: toHex(account),
    nonce,
    nonceBytes: header.nonce,
    rcUsed: r.rc_used,
    resources: {
      diskStorageUsed: r.disk_storage_used,
      networkBandwidthUsed: r.network_bandwidth_used,
      computeBandwidthUsed: r.compute_bandwidth_used,
      systemDiskStorageUsed: msg.system_disk_storage_used,
      systemNetworkBandwidthUsed: msg.system_network_bandwidth_used,
      systemComputeBandwidthUsed: msg.system_compute_bandwidth_used,
    },
    // The chain remembered the bytes of a transaction it accepted in this process (built from its checks' encodings).
    transaction: encodeRemembered(protocol.Transaction, tx),
    tx,
    rcLimit: header.rc_limit,
    sequence,
    receivedAt,
  };
}

/** Rebuilds an entry from a stored record. */
export function entryFromRecord(r: PendingRecord): PendingEntry {
  const tx = protocol.Transaction.decode(r.transaction);
  return {
    ...r,
    idHex: toHex(r.id),
    payerHex: toHex(r.payer),
    nonceAccountHex: toHex(r.nonceAccount),
    tx,
    nonceBytes: tx.header?.nonce ?? new Uint8Array(),
    rcLimit: tx.header?.rc_limit ?? 0n,
  };
}

/** The stored part of an entry. */
export function recordOf(e: PendingEntry): PendingRecord {
  return {
    id: e.id,
    payer: e.payer,
    nonceAccount: e.nonceAccount,
    nonce: e.nonce,
    rcUsed: e.rcUsed,
    resources: e.resources,
    transaction: e.transaction,
    sequence: e.sequence,
    receivedAt: e.receivedAt,
  };
}

/** The `koinos.mempool.pending_transaction` of an entry (transaction + resource use). */
export function toPendingTransaction(e: PendingEntry): mempool.PendingTransaction {
  // Built whole, the transaction shared, not copied (fromPartial would): nothing changes a pending
  // transaction in place, and an in-process caller that only reads may take it as it is.
  return {
    transaction: e.tx,
    disk_storage_used: e.resources.diskStorageUsed,
    network_bandwidth_used: e.resources.networkBandwidthUsed,
    compute_bandwidth_used: e.resources.computeBandwidthUsed,
    system_disk_storage_used: e.resources.systemDiskStorageUsed,
    system_network_bandwidth_used: e.resources.systemNetworkBandwidthUsed,
    system_compute_bandwidth_used: e.resources.systemComputeBandwidthUsed,
  };
}
