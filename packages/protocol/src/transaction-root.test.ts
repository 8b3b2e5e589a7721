import { describe, expect, test } from "bun:test";
import { protocol } from "@cairn/proto";
import { buildBlock, buildTransaction, merkleRoot, privateKeyFromSeed, rememberTransactionMerkleRoot, sha256, toMultihash, transactionHeaderBytes, transactionMerkleRoot } from "./index.ts";

const key = privateKeyFromSeed("transaction root test");
const chainId = sha256(new Uint8Array([1]));
const txs = (n: number) => Array.from({ length: n }, (_, i) => buildTransaction({ chainId, nonce: BigInt(i + 1), rcLimit: 1000n, operations: [] }, key));
const draft = (transactions: protocol.Transaction[]) => ({ previous: toMultihash(new Uint8Array(32)), height: 1n, timestamp: 1_700_000_000_000n, previousStateMerkleRoot: toMultihash(new Uint8Array(32)), transactions });

/** The root computed here from its definition (two leaves per transaction), without the library's memory. */
function rootByHand(list: protocol.Transaction[]): Uint8Array {
  const leaves = list.flatMap((tx) => [sha256(transactionHeaderBytes(tx.header!)), sha256(Uint8Array.from(tx.signatures.flatMap((s) => [...s])))]);
  return toMultihash(merkleRoot(leaves));
}

describe("transaction merkle root memory", () => {
  test("a built block's root is the root of its transactions, and an equal list decoded from bytes gives the same root", () => {
    const block = buildBlock(draft(txs(5)), key);
    const decoded = protocol.Block.decode(protocol.Block.encode(block).finish());
    expect(decoded.transactions).not.toBe(block.transactions);
    expect(transactionMerkleRoot(block.transactions)).toEqual(block.header!.transaction_merkle_root);
    expect(transactionMerkleRoot(decoded.transactions)).toEqual(rootByHand(decoded.transactions));
    expect(block.header!.transaction_merkle_root).toEqual(rootByHand(decoded.transactions));
  });

  test("roots are remembered by list identity: an equal but different list is hashed", () => {
    const list = txs(3);
    const fake = toMultihash(new Uint8Array(32).fill(9));
    rememberTransactionMerkleRoot(list, fake);
    expect(transactionMerkleRoot(list)).toEqual(fake);
    expect(transactionMerkleRoot([...list])).toEqual(rootByHand(list));
  });

  test("each answer is a copy: changing one does not change the next", () => {
    const list = txs(2);
    const first = transactionMerkleRoot(list);
    first.fill(0);
    expect(transactionMerkleRoot(list)).toEqual(rootByHand(list));
  });
});
