/**
 * Just enough of the protobuf wire format to find the transactions inside an encoded
 * `protocol.Block` (field 3, repeated) and the id of each (field 1 of `protocol.Transaction`)
 * without decoding the rest, so the memory store can serve a transaction as a slice of its block's
 * bytes instead of keeping a second copy.
 */
import { eachLengthDelimited } from "@cairn/proto";

/** One transaction inside an encoded block: where its bytes lie and where its id lies (empty id: `idStart === idEnd`). */
export interface TransactionSpan {
  start: number;
  end: number;
  idStart: number;
  idEnd: number;
}

/** Where the parts of an encoded `protocol.Block` lie. */
export interface BlockLayout {
  /** The id's bytes (empty when absent). */
  id: Uint8Array;
  /** The encoded header (undefined when absent). */
  header: Uint8Array | undefined;
  transactions: TransactionSpan[];
}

/** The layout of an encoded `protocol.Block` (views into `block`, nothing copied or decoded). */
export function blockLayout(block: Uint8Array): BlockLayout {
  const out: BlockLayout = { id: block.subarray(0, 0), header: undefined, transactions: [] };
  eachLengthDelimited(block, 0, block.length, (number, start, end) => {
    if (number === 1) out.id = block.subarray(start, end);
    else if (number === 2) out.header = block.subarray(start, end);
    else if (number === 3) out.transactions.push(transactionSpan(block, start, end));
  });
  return out;
}

function transactionSpan(block: Uint8Array, start: number, end: number): TransactionSpan {
  let idStart = start;
  let idEnd = start;
  eachLengthDelimited(block, start, end, (n, s, e) => {
    if (n === 1) [idStart, idEnd] = [s, e];
  });
  return { start, end, idStart, idEnd };
}
