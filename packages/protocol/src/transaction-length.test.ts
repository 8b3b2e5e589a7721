import { describe, expect, test } from "bun:test";
import { protocol, rememberEncoding, rememberedEncoding } from "@cairn/proto";
import { buildTransaction, encodeBlockRemembered, operationMerkleRoot, operationMerkleRootOf, privateKeyFromSeed, sha256, transactionBytes, transactionEncodedLength, transactionHeaderBytes } from "./index.ts";

const key = privateKeyFromSeed("transaction length test");
const chainId = sha256(new Uint8Array([2]));
const call = (argsLength: number) => protocol.Operation.fromPartial({ call_contract: { contract_id: new Uint8Array(25).fill(7), entry_point: 0x27f576ca, args: new Uint8Array(argsLength).fill(1) } });
const upload = (bytes: number) => protocol.Operation.fromPartial({ upload_contract: { contract_id: new Uint8Array(25).fill(3), bytecode: new Uint8Array(bytes).fill(9) } });

/** The length from the parts, computed as checking a transaction does; the bytes put together from them checked against encode's on the way. */
function lengthFromParts(tx: protocol.Transaction): number {
  const ops = tx.operations.map((op) => protocol.Operation.encode(op).finish());
  const header = tx.header && transactionHeaderBytes(tx.header);
  expect(transactionBytes(tx, header, ops)).toEqual(protocol.Transaction.encode(tx).finish());
  return transactionEncodedLength(tx, header, ops);
}

describe("transactionEncodedLength and transactionBytes", () => {
  test("equal the length and the bytes of the encoded transaction: signed transfers, no operations, big operations (multi-byte lengths), several signatures", () => {
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

describe("encodeBlockRemembered", () => {
  /** A block of `txs` whose transactions have their encodings remembered as the chain remembers them (from the checks' parts) when `remember`. */
  function block(txs: protocol.Transaction[], remember: boolean[], o: { header?: boolean; signed?: boolean } = {}): protocol.Block {
    txs.forEach((tx, i) => {
      if (!remember[i]) return;
      const ops = tx.operations.map((op) => protocol.Operation.encode(op).finish());
      rememberEncoding(tx, transactionBytes(tx, tx.header && transactionHeaderBytes(tx.header), ops));
    });
    const header = o.header === false ? undefined : protocol.BlockHeader.fromPartial({ previous: new Uint8Array(34).fill(1), height: 9n, timestamp: 1_700_000_000_000n, signer: new Uint8Array(25).fill(2) });
    return { id: o.signed === false ? new Uint8Array(0) : new Uint8Array(34).fill(3), header, transactions: txs, signature: o.signed === false ? new Uint8Array(0) : new Uint8Array(65).fill(4) };
  }
  const txs = () => [
    buildTransaction({ chainId, nonce: 1n, rcLimit: 10_000_000n, operations: [call(60)] }, key),
    buildTransaction({ chainId, nonce: 2n, rcLimit: 1n, operations: [call(200), upload(20_000)] }, key),
    buildTransaction({ chainId, nonce: 3n, rcLimit: 1n, operations: [] }, key),
  ];

  test("is what encode gives: every transaction remembered (spliced), some or none (encoded), no header, unsigned, empty", () => {
    const cases = [
      block(txs(), [true, true, true]),
      block(txs(), [true, false, true]),
      block(txs(), [false, false, false]),
      block(txs(), [true, true, true], { header: false }),
      block(txs(), [true, true, true], { signed: false }),
      block([], []),
    ];
    for (const b of cases) expect(encodeBlockRemembered(b)).toEqual(protocol.Block.encode(b).finish());
  });

  test("is remembered for the block: a second call gives the same bytes", () => {
    const b = block(txs(), [true, true, true]);
    const first = encodeBlockRemembered(b);
    expect(encodeBlockRemembered(b)).toBe(first);
    expect(rememberedEncoding(b)).toBe(first);
  });
});
