import { describe, expect, test } from "bun:test";
import { protocol } from "@cairn/proto";
import { buildBlock, buildTransaction, matchesTransactionMerkleRoot, merkleRoot, privateKeyFromSeed, rememberTransactionMerkleRoot, sha256, toMultihash, transactionHeaderBytes, transactionMerkleRoot } from "./index.ts";

const key = privateKeyFromSeed("transaction root test");
const chainId = sha256(new Uint8Array([1]));
const txs = (n: number, from = 1) => Array.from({ length: n }, (_, i) => buildTransaction({ chainId, nonce: BigInt(from + i), rcLimit: 1000n, operations: [] }, key));
const draft = (transactions: protocol.Transaction[]) => ({ previous: toMultihash(new Uint8Array(32)), height: 1n, timestamp: 1_700_000_000_000n, previousStateMerkleRoot: toMultihash(new Uint8Array(32)), transactions });

/** The root computed here from its definition (two leaves per transaction), without the library's memory. */
function rootByHand(list: protocol.Transaction[]): Uint8Array {
  const leaves = list.flatMap((tx) => [sha256(transactionHeaderBytes(tx.header!)), sha256(Uint8Array.from(tx.signatures.flatMap((s) => [...s])))]);
  return toMultihash(merkleRoot(leaves));
}

describe("transaction merkle root", () => {
  test("a built block's root is the root of its transactions, and matches its list, a copy of it and the list decoded from bytes", () => {
    const block = buildBlock(draft(txs(5)), key);
    const root = block.header!.transaction_merkle_root;
    expect(root).toEqual(rootByHand(block.transactions));
    expect(transactionMerkleRoot(block.transactions)).toEqual(root);
    expect(matchesTransactionMerkleRoot(block.transactions, root)).toBe(true);
    // In-process calls copy messages with fromPartial: new objects, the same byte arrays.
    const copy = protocol.Block.fromPartial(block);
    expect(copy.header!.transaction_merkle_root).toBe(root);
    expect(matchesTransactionMerkleRoot(copy.transactions, copy.header!.transaction_merkle_root)).toBe(true);
    const decoded = protocol.Block.decode(protocol.Block.encode(block).finish());
    expect(matchesTransactionMerkleRoot(decoded.transactions, decoded.header!.transaction_merkle_root)).toBe(true);
  });

  test("a remembered root is taken only for what it covers: another list, a changed field or signature, or changed root bytes are hashed", () => {
    const list = txs(3);
    const fake = toMultihash(new Uint8Array(32).fill(9));
    rememberTransactionMerkleRoot(fake, list);
    // Recognised without hashing (the root is not the real one: only memory can say yes).
    expect(matchesTransactionMerkleRoot(list, fake)).toBe(true);
    expect(matchesTransactionMerkleRoot(protocol.Block.fromPartial({ transactions: list }).transactions, fake)).toBe(true);
    // Anything else is hashed, and the fake root does not match.
    expect(matchesTransactionMerkleRoot(txs(3, 10), fake)).toBe(false);
    expect(matchesTransactionMerkleRoot(list.slice(0, 2), fake)).toBe(false);
    const otherLimit = list.map((tx, i) => (i === 1 ? { ...tx, header: { ...tx.header!, rc_limit: 999n } } : tx));
    expect(matchesTransactionMerkleRoot(otherLimit, fake)).toBe(false);
    const otherSignature = list.map((tx, i) => (i === 2 ? { ...tx, signatures: [tx.signatures[0]!.slice()] } : tx));
    expect(matchesTransactionMerkleRoot(otherSignature, fake)).toBe(false);
    expect(matchesTransactionMerkleRoot(list, fake.slice())).toBe(false);
    fake[5] = 0;
    expect(matchesTransactionMerkleRoot(list, fake)).toBe(false);
  });

  test("a root that does not match its transactions is refused, remembered or not", () => {
    const block = buildBlock(draft(txs(2)), key);
    expect(matchesTransactionMerkleRoot(txs(2, 5), block.header!.transaction_merkle_root)).toBe(false);
    expect(matchesTransactionMerkleRoot(block.transactions, rootByHand(txs(1)))).toBe(false);
  });
});
