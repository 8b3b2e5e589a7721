/**
 * Ids and merkle roots of transactions and blocks. Ids hash the canonical protobuf bytes of the
 * header (ascending field order, defaults omitted — what ts-proto's encode writes for our
 * proto3 messages, and what Koinos's C++ writes).
 */
import { bytesEqual, concatBytes } from "@cairn/core";
import { encodeLengthDelimitedFields, encodeMessage, encodeRemembered, protocol, rememberEncoding, rememberedEncoding, varintSize } from "@cairn/proto";
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
  return operationMerkleRootOf(operations.map((op) => protocol.Operation.encode(op).finish()));
}

/** `operationMerkleRoot` of operations already encoded (their canonical bytes, in order). */
export function operationMerkleRootOf(operationBytes: readonly Uint8Array[]): Uint8Array {
  return toMultihash(merkleRoot(operationBytes.map((b) => sha256(b))));
}

/** Bytes of a length-delimited field with a one-byte tag (field numbers 1-15) holding `length` bytes. */
function delimitedFieldLength(length: number): number {
  return 1 + varintSize(length) + length;
}

/**
 * Length of `protocol.Transaction.encode(tx)` from the canonical bytes of its header and
 * operations, which checking a transaction encodes anyway (its id, its operation merkle root):
 * what network bandwidth is charged for, without encoding the whole transaction a second time.
 * Fields as ts-proto writes them: id when not empty, the header when set, every operation and
 * every signature.
 */
export function transactionEncodedLength(tx: Transaction, headerBytes: Uint8Array | undefined, operationBytes: readonly Uint8Array[]): number {
  let length = tx.id.length !== 0 ? delimitedFieldLength(tx.id.length) : 0;
  if (headerBytes !== undefined) length += delimitedFieldLength(headerBytes.length);
  for (const b of operationBytes) length += delimitedFieldLength(b.length);
  for (const s of tx.signatures) length += delimitedFieldLength(s.length);
  return length;
}

/**
 * The encoded transaction (`protocol.Transaction.encode(tx)`'s bytes) from its header's and
 * operations' encodings (what the transaction checks encode anyway): every field is
 * length-delimited, so it is tags, lengths and those bytes.
 */
export function transactionBytes(tx: Transaction, headerBytes: Uint8Array | undefined, operationBytes: readonly Uint8Array[]): Uint8Array {
  const fields: [number, Uint8Array][] = [];
  if (tx.id.length !== 0) fields.push([1, tx.id]);
  if (headerBytes !== undefined) fields.push([2, headerBytes]);
  for (const b of operationBytes) fields.push([3, b]);
  for (const s of tx.signatures) fields.push([4, s]);
  return encodeLengthDelimitedFields(fields);
}

/**
 * The encoded block (`protocol.Block.encode(block)`'s bytes), remembered for it (@cairn/proto
 * `encodeRemembered`). When every transaction has its encoding remembered — the one-process node:
 * the chain remembers each transaction it accepts, and the producer builds its block of those
 * very objects — the block is put together from them (all its fields are length-delimited), not
 * encoded again; otherwise it is encoded.
 */
export function encodeBlockRemembered(block: protocol.Block): Uint8Array {
  const known = rememberedEncoding(block);
  if (known !== undefined) return known;
  const transactions: Uint8Array[] = [];
  for (const tx of block.transactions) {
    const bytes = rememberedEncoding(tx);
    if (bytes === undefined) return encodeRemembered(protocol.Block, block);
    transactions.push(bytes);
  }
  const fields: [number, Uint8Array][] = [];
  if (block.id.length !== 0) fields.push([1, block.id]);
  if (block.header !== undefined) fields.push([2, encodeMessage(protocol.BlockHeader, block.header)]);
  for (const t of transactions) fields.push([3, t]);
  if (block.signature.length !== 0) fields.push([4, block.signature]);
  const bytes = encodeLengthDelimitedFields(fields);
  rememberEncoding(block, bytes);
  return bytes;
}

/**
 * Transaction merkle root (multihash) of a block: two leaves per transaction, sha256(header
 * bytes) and sha256(all its signatures concatenated), in order.
 */
export function transactionMerkleRoot(transactions: readonly Transaction[]): Uint8Array {
  const leaves: Uint8Array[] = [];
  for (const tx of transactions) {
    leaves.push(sha256(transactionHeaderBytes(tx.header ?? protocol.TransactionHeader.create())));
    leaves.push(sha256(concatBytes(...tx.signatures)));
  }
  return toMultihash(merkleRoot(leaves));
}

/**
 * Whether `root` (a block header's `transaction_merkle_root`) is the transaction merkle root of
 * `transactions`. In the one-process node the producer builds a block and the chain and the block
 * store each check it, on copies (in-process calls copy messages: new objects, the same byte
 * arrays): a root `buildBlock` computed is recognised by its byte array, and the list by what its
 * transactions hold — every header field and signature the same (bytes by identity, numbers by
 * value) — so the block is hashed once, not three times (~3% of the dev node's CPU per transfer).
 * Anything else (a block decoded from bytes, a list that differs) is hashed. Like the bus's shared
 * payloads, the byte arrays of a built block are not changed in place.
 */
export function matchesTransactionMerkleRoot(transactions: readonly Transaction[], root: Uint8Array): boolean {
  const built = builtRoots.get(root);
  if (built !== undefined && bytesEqual(built.root, root) && sameContent(built.content, transactions)) return true;
  return bytesEqual(transactionMerkleRoot(transactions), root);
}

/** Roots `buildBlock` computed, by the byte array it put in the header, with what they cover. */
const builtRoots = new WeakMap<Uint8Array, { root: Uint8Array; content: unknown[] }>();

/** Records that `root` (the byte array a block header will hold) is the root of `transactions`. */
export function rememberTransactionMerkleRoot(root: Uint8Array, transactions: readonly Transaction[]): void {
  builtRoots.set(root, { root: root.slice(), content: contentOf(transactions) });
}

/** What a root covers, flat: per transaction its header's field values (or undefined) and its signatures, each list after its length. */
function contentOf(transactions: readonly Transaction[]): unknown[] {
  const out: unknown[] = [transactions.length];
  for (const tx of transactions) {
    const fields = tx.header === undefined ? [] : Object.values(tx.header);
    out.push(tx.header === undefined ? -1 : fields.length, ...fields, tx.signatures.length, ...tx.signatures);
  }
  return out;
}

function sameContent(content: unknown[], transactions: readonly Transaction[]): boolean {
  const now = contentOf(transactions);
  if (now.length !== content.length) return false;
  for (let i = 0; i < now.length; i++) if (now[i] !== content[i]) return false;
  return true;
}
