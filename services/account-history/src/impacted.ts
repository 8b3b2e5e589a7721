/**
 * Who a block touches (protocol §3.4), as pure functions. A transaction impacts its payer, its
 * payee, every contract id an operation names (call_contract, upload_contract,
 * set_system_contract, and a set_system_call's target bundle), and the source and `impacted`
 * addresses of each of its receipt's events. A block impacts its signer and the source and
 * `impacted` addresses of its block-level receipt events.
 *
 * Order of one block's records (what each address's seq_nums follow), as Koinos does it: the block
 * record first (position 0), then the transactions in block order (position i + 1). Within a
 * record each address appears once.
 */
import { compareBytes, toHex } from "@cairn/core";
import { account_history, eachLengthDelimited, encodeLengthDelimitedFields, encodeMessage, rememberedEncoding, type protocol } from "@cairn/proto";
import type { BlockWithReceipt } from "@cairn/block-store/client";
import { badBlockSource } from "./errors.ts";

const EMPTY = new Uint8Array(0);

/** What a record is: a block record or a transaction record. */
export type RecordKind = "block" | "trx";

/** One record of a block and the addresses it impacts. */
export interface HistoryRecord {
  /** 0 for the block record, i + 1 for the block's transaction i. */
  position: number;
  kind: RecordKind;
  /** Serialized `BlockRecord` (kind `block`) or `TransactionRecord` (kind `trx`). */
  record: Uint8Array;
  /** Impacted addresses, each once, in byte order; never empty. */
  impacted: Uint8Array[];
}

/** Non-empty addresses, each once, sorted bytewise (repeats are neighbours once sorted: no hex key or map per address). */
function addressSet(addresses: Uint8Array[]): Uint8Array[] {
  const sorted: Uint8Array[] = [];
  for (const a of addresses) if (a.length > 0) sorted.push(a);
  sorted.sort(compareBytes);
  return sorted.filter((a, i) => i === 0 || compareBytes(a, sorted[i - 1]!) !== 0);
}

function pushEventAddresses(out: Uint8Array[], events: readonly protocol.EventData[]): void {
  for (const e of events) {
    out.push(e.source);
    for (const a of e.impacted) out.push(a);
  }
}

function pushOperationContracts(out: Uint8Array[], operations: readonly protocol.Operation[]): void {
  for (const op of operations) {
    if (op.call_contract) out.push(op.call_contract.contract_id);
    if (op.upload_contract) out.push(op.upload_contract.contract_id);
    if (op.set_system_contract) out.push(op.set_system_contract.contract_id);
    const bundle = op.set_system_call?.target?.system_call_bundle;
    if (bundle) out.push(bundle.contract_id);
  }
}

/** Addresses a transaction impacts: payer, payee, operation contract ids, event sources and impacted. */
export function transactionImpacted(tx: protocol.Transaction, receipt: protocol.TransactionReceipt): Uint8Array[] {
  const header = tx.header;
  const payer = header && header.payer.length > 0 ? header.payer : receipt.payer;
  const all = [payer, header?.payee ?? EMPTY];
  pushOperationContracts(all, tx.operations);
  pushEventAddresses(all, receipt.events);
  return addressSet(all);
}

/** Addresses a block impacts: its signer, and block-level event sources and impacted. */
export function blockImpacted(block: protocol.Block, receipt: protocol.BlockReceipt): Uint8Array[] {
  const all = [block.header?.signer ?? EMPTY];
  pushEventAddresses(all, receipt.events);
  return addressSet(all);
}

/** The records of one block in history order (block record, then transactions); records impacting nobody are left out. */
export function blockHistory({ block, receipt }: BlockWithReceipt): HistoryRecord[] {
  if (receipt.transaction_receipts.length !== block.transactions.length) {
    throw badBlockSource("block receipt does not match the block's transactions", {
      block: toHex(block.id),
      transactions: block.transactions.length,
      receipts: receipt.transaction_receipts.length,
    });
  }
  const out: HistoryRecord[] = [];
  const parts = rememberedParts(block, receipt);
  const blockAddresses = blockImpacted(block, receipt);
  if (blockAddresses.length > 0) {
    const record = parts
      ? encodeLengthDelimitedFields(parts.header === undefined ? [[2, parts.receipt]] : [[1, parts.header], [2, parts.receipt]])
      : encodeMessage(account_history.BlockRecord, { header: block.header, receipt });
    out.push({ position: 0, kind: "block", record, impacted: blockAddresses });
  }
  block.transactions.forEach((tx, i) => {
    const txReceipt = receipt.transaction_receipts[i]!;
    const impacted = transactionImpacted(tx, txReceipt);
    if (impacted.length === 0) return;
    const record = parts
      ? encodeLengthDelimitedFields([[1, parts.transactions[i]!], [2, parts.receipts[i]!]])
      : encodeMessage(account_history.TransactionRecord, { transaction: tx, receipt: txReceipt });
    out.push({ position: i + 1, kind: "trx", record, impacted });
  });
  return out;
}

/** The encoded parts of a block and its receipt, as views into their encodings. */
interface BlockParts {
  header: Uint8Array | undefined;
  receipt: Uint8Array;
  transactions: Uint8Array[];
  receipts: Uint8Array[];
}

/**
 * The parts the records are made of, cut from the encodings the block store (or the dev node's
 * journal) remembered for this very block and receipt (@cairn/proto `encodeRemembered`): the one-
 * process node encodes each transaction and receipt once, not again here. A record built from them
 * is byte for byte what encoding it gives (a submessage is encoded in place as it is alone).
 * Undefined when either was not encoded in this process (a block read back, a NATS event).
 */
function rememberedParts(block: protocol.Block, receipt: protocol.BlockReceipt): BlockParts | undefined {
  const blockBytes = rememberedEncoding(block);
  const receiptBytes = rememberedEncoding(receipt);
  if (blockBytes === undefined || receiptBytes === undefined) return undefined;
  const parts: BlockParts = { header: undefined, receipt: receiptBytes, transactions: [], receipts: [] };
  // Block: header 2, transactions 3; BlockReceipt: transaction_receipts 8.
  eachLengthDelimited(blockBytes, 0, blockBytes.length, (number, start, end) => {
    if (number === 2) parts.header = blockBytes.subarray(start, end);
    else if (number === 3) parts.transactions.push(blockBytes.subarray(start, end));
  });
  eachLengthDelimited(receiptBytes, 0, receiptBytes.length, (number, start, end) => {
    if (number === 8) parts.receipts.push(receiptBytes.subarray(start, end));
  });
  if ((parts.header === undefined) !== (block.header === undefined) || parts.transactions.length !== block.transactions.length || parts.receipts.length !== receipt.transaction_receipts.length) return undefined;
  return parts;
}
