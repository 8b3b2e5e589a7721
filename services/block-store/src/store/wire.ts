/**
 * Just enough of the protobuf wire format to find the transactions inside an encoded
 * `protocol.Block` (field 3, repeated) and the id of each (field 1 of `protocol.Transaction`)
 * without decoding the rest, so the memory store can serve a transaction as a slice of its block's
 * bytes instead of keeping a second copy.
 */

/** Reads a varint at `pos`; returns [value, next position]. Values beyond 2^53 are not expected here (lengths, tags). */
function varint(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= bytes.length) throw new RangeError("truncated varint");
    const b = bytes[pos++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, pos];
    scale *= 128;
  }
}

/** Calls `field(number, start, end)` for every length-delimited field of the message in `bytes[from, to)`; skips the others. */
function eachLengthDelimited(bytes: Uint8Array, from: number, to: number, field: (number: number, start: number, end: number) => void): void {
  let pos = from;
  while (pos < to) {
    const [tag, afterTag] = varint(bytes, pos);
    pos = afterTag;
    switch (tag & 7) {
      case 0:
        pos = varint(bytes, pos)[1];
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const [length, start] = varint(bytes, pos);
        pos = start + length;
        field(Math.floor(tag / 8), start, pos);
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new RangeError(`unsupported wire type ${tag & 7}`);
    }
  }
  if (pos !== to) throw new RangeError("truncated message");
}

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
