import { describe, expect, test } from "bun:test";
import { protocol } from "@cairn/proto";
import { buildTransaction, operationMerkleRoot, operationMerkleRootOf, privateKeyFromSeed, sha256, transactionEncodedLength, transactionHeaderBytes } from "./index.ts";

const key = privateKeyFromSeed("transaction length test");
const chainId = sha256(new Uint8Array([2]));
const call = (argsLength: number) => protocol.Operation.fromPartial({ call_contract: { contract_id: new Uint8Array(25).fill(7), entry_point: 0x27f576ca, args: new Uint8Array(argsLength).fill(1) } });
const upload = (bytes: number) => protocol.Operation.fromPartial({ upload_contract: { contract_id: new Uint8Array(25).fill(3), bytecode: new Uint8Array(bytes).fill(9) } });

/** The length from the parts, computed as checking a transaction does. */
function lengthFromParts(tx: protocol.Transaction): number {
  const ops = tx.operations.map((op) => protocol.Operation.encode(op).finish());
  return transactionEncodedLength(tx, tx.header && transactionHeaderBytes(tx.header), ops);
}

describe("transactionEncodedLength", () => {
  test("equals the length of the encoded transaction: signed transfers, no operations, big operations (multi-byte lengths), several signatures", () => {
    const txs = [
      buildTransaction({ chainId, nonce: 1n, rcLimit: 10_000_000n, operations: [call(60)] }, key),
      buildTransaction({ chainId, nonce: 2n, rcLimit: 1n, operations: [] }, key),
      buildTransaction({ chainId, nonce: 3n, rcLimit: 1n, operations: [call(200), upload(20_000), call(0)] }, key),
      buildTransaction({ chainId, nonce: 300n, rcLimit: 2n ** 63n, operations: [upload(3_000_000)] }, key),
    ];
    const several = protocol.Transaction.fromPartial({ ...txs[0], signatures: [txs[0]!.signatures[0]!, new Uint8Array(65), new Uint8Array(0), new Uint8Array(200)] });
    for (const tx of [...txs, several]) expect(lengthFromParts(tx)).toBe(protocol.Transaction.encode(tx).finish().length);
  });

  test("an empty id and a missing header are not written, as encode leaves them out", () => {
    const tx = buildTransaction({ chainId, nonce: 1n, rcLimit: 1n, operations: [call(10)] }, key);
    const noId = protocol.Transaction.fromPartial({ ...tx, id: new Uint8Array() });
    const noHeader = protocol.Transaction.fromPartial({ ...tx, header: undefined });
    for (const t of [noId, noHeader, protocol.Transaction.create()]) expect(lengthFromParts(t)).toBe(protocol.Transaction.encode(t).finish().length);
  });

  test("operationMerkleRootOf the encoded operations is operationMerkleRoot", () => {
    const ops = [call(5), upload(100), call(0)];
    expect(operationMerkleRootOf(ops.map((op) => protocol.Operation.encode(op).finish()))).toEqual(operationMerkleRoot(ops));
    expect(operationMerkleRootOf([])).toEqual(operationMerkleRoot([]));
  });
});
