/** Every rejection path of protocol §4.9, in order, with its Koinos code and message. */
import { describe, expect, spyOn, test } from "bun:test";
import { protocol, rememberedEncoding } from "@cairn/proto";
import { buildTransaction, encodeNonce, operationMerkleRoot, sha256, signTransaction, toMultihash, transactionId } from "@cairn/protocol";
import { DEV_BALANCE, createTestChain, transferOp } from "../testing/harness.ts";
import { SignatureCache } from "../controller/signatures.ts";
import { ChainError } from "./errors.ts";
import type { ChainRules } from "./rules.ts";
import { checkTransactionStructure, signersProbablyKnown } from "./transaction.ts";

async function rejection(p: Promise<unknown>): Promise<ChainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ChainError) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

describe("submit_transaction rejections (§4.9 order)", () => {
  test.each([
    ["transaction: id", (tx: protocol.Transaction): void => void (tx.id = new Uint8Array()), ["field"]],
    ["transaction: header", (tx: protocol.Transaction): void => void (tx.header = undefined), ["field", "transaction_id"]],
    ["transaction: payer", (tx: protocol.Transaction): void => void (tx.header!.payer = new Uint8Array()), ["field", "transaction_id"]],
    ["transaction header: rc_limit", (tx: protocol.Transaction): void => void (tx.header!.rc_limit = 0n), ["field", "transaction_id"]],
    ["transaction header: operation_merkle_root", (tx: protocol.Transaction): void => void (tx.header!.operation_merkle_root = new Uint8Array()), ["field", "transaction_id"]],
    ["transaction: signature_data", (tx: protocol.Transaction): void => void (tx.signatures = []), ["field", "transaction_id"]],
  ] as [string, (tx: protocol.Transaction) => void, string[]][])("missing %s → missing_required_arguments, Koinos's text and captured keys, no logs", async (field, mutate, keys) => {
    const t = await createTestChain();
    const tx = t.transfer(0, 1, 1n, 1n);
    mutate(tx);
    const e = await rejection(t.chain.submitTransaction(tx, false));
    expect(e.chainCode).toBe(-1002);
    expect(e.message).toBe(`missing expected field in ${field}`);
    expect(Object.keys(e.data).sort()).toEqual([...keys]);
  });

  test("rc limit above the payer's rc (no broadcast) → failure", async () => {
    const t = await createTestChain();
    const e = await rejection(t.chain.submitTransaction(t.transfer(0, 1, 1n, 1n, { rcLimit: DEV_BALANCE + 1n }), false));
    expect(e.chainCode).toBe(-1);
    expect(e.message).toBe("payer does not have the rc to cover transaction rc limit");
  });

  test("wrong chain id", async () => {
    const t = await createTestChain();
    const e = await rejection(t.chain.submitTransaction(t.transfer(0, 1, 1n, 1n, { chainId: toMultihash(sha256(new Uint8Array([1]))) }), false));
    expect(e.chainCode).toBe(-1);
    expect(e.message).toBe("chain id mismatch");
    expect(e.data).toEqual({ logs: [] });
  });

  test("id that is not the header hash", async () => {
    const t = await createTestChain();
    const tx = t.transfer(0, 1, 1n, 1n);
    tx.id = transactionId({ ...tx.header!, rc_limit: 5n });
    const e = await rejection(t.chain.submitTransaction(tx, false));
    expect(e.chainCode).toBe(-1);
    expect(e.message).toBe("transaction contains an invalid transaction id");
  });

  test("operations that do not match the operation merkle root", async () => {
    const t = await createTestChain();
    const tx = t.transfer(0, 1, 1n, 1n);
    tx.operations.push(transferOp(t.dev.accounts[0]!.address, t.dev.accounts[2]!.address, 1n));
    const e = await rejection(t.chain.submitTransaction(tx, false));
    expect(e.chainCode).toBe(-1);
    expect(e.message).toBe("operation merkle root does not match");
  });

  test("operation merkle root with an unknown hash code", async () => {
    const t = await createTestChain();
    const a = t.dev.accounts[0]!;
    const ops = [transferOp(a.address, t.dev.accounts[1]!.address, 1n)];
    const header = protocol.TransactionHeader.fromPartial({
      chain_id: t.chain.rules.chainId,
      rc_limit: 1_000_000n,
      nonce: encodeNonce(1n),
      operation_merkle_root: toMultihash(operationMerkleRoot(ops).subarray(2), 0x13),
      payer: a.address,
    });
    const tx = signTransaction(protocol.Transaction.fromPartial({ header, operations: ops }), a.privateKey);
    const e = await rejection(t.chain.submitTransaction(tx, false));
    expect(e.chainCode).toBe(-1);
    expect(e.message).toBe("unexpected operation merkle root hash code - was: 19, expected: 18");
    expect(Object.keys(e.data).sort()).toEqual(["e", "logs", "o"]);
  });

  test("payer that did not sign → authorization_failure", async () => {
    const t = await createTestChain();
    const a = t.dev.accounts[0]!;
    const tx = buildTransaction({ chainId: t.chain.rules.chainId, payer: a.address, nonce: 1n, rcLimit: 1_000_000n, operations: [] }, t.dev.accounts[1]!.privateKey);
    const e = await rejection(t.chain.submitTransaction(tx, false));
    expect(e.chainCode).toBe(-200);
    expect(e.message).toBe(`account ${a.addressBase58} has not authorized transaction`);
    expect(e.data).toEqual({ account: a.addressBase58, logs: [] });
  });

  test("payee that did not sign → authorization_failure", async () => {
    const t = await createTestChain();
    const a = t.dev.accounts[0]!;
    const b = t.dev.accounts[1]!;
    const tx = buildTransaction({ chainId: t.chain.rules.chainId, payer: a.address, payee: b.address, nonce: 1n, rcLimit: 1_000_000n, operations: [] }, a.privateKey);
    const e = await rejection(t.chain.submitTransaction(tx, false));
    expect(e.message).toBe(`account ${b.addressBase58} has not authorized transaction`);
  });

  test("payer and payee both signing uses the payee's nonce", async () => {
    const t = await createTestChain();
    const a = t.dev.accounts[0]!;
    const b = t.dev.accounts[1]!;
    const tx = buildTransaction({ chainId: t.chain.rules.chainId, payer: a.address, payee: b.address, nonce: 1n, rcLimit: 1_000_000n, operations: [] }, a.privateKey, b.privateKey);
    await t.produce([tx]);
    expect(t.chain.accountNonce(b.address)).toEqual(encodeNonce(1n));
    expect(t.chain.accountNonce(a.address)).toEqual(encodeNonce(0n));
  });

  test("nonce that is not current + 1 → invalid_nonce with Koinos's message", async () => {
    const t = await createTestChain();
    const a = t.dev.accounts[0]!;
    const e = await rejection(t.chain.submitTransaction(t.transfer(0, 1, 1n, 2n), false));
    expect(e.chainCode).toBe(-201);
    expect(e.message).toBe(`invalid transaction nonce - account: ${a.addressBase58}, nonce: 0x2802, current nonce: 0x2800`);
    expect(e.data).toEqual({ a: a.addressBase58, n: "0x2802", c: "0x2800", logs: [] });
  });

  test("a reverting contract call (transfer to yourself) → code 1 with the contract's logs", async () => {
    const t = await createTestChain();
    const e = await rejection(t.chain.submitTransaction(t.transfer(0, 0, 1n, 1n), false));
    expect(e.chainCode).toBe(1);
    expect(e.message).toBe("cannot transfer to yourself");
    expect(e.data).toEqual({ logs: ["transaction reverted: cannot transfer to yourself"] });
  });

  test("a failing contract call (insufficient balance) → code -1", async () => {
    const t = await createTestChain();
    const e = await rejection(t.chain.submitTransaction(t.transfer(0, 1, DEV_BALANCE + 1n, 1n), false));
    expect(e.chainCode).toBe(-1);
    expect(e.message).toBe("account 'from' has insufficient balance");
  });

  test("transferring someone else's KOIN → authorization_failure", async () => {
    const t = await createTestChain();
    const a = t.dev.accounts[0]!;
    const tx = buildTransaction({ chainId: t.chain.rules.chainId, nonce: 1n, rcLimit: 1_000_000n, operations: [transferOp(t.dev.accounts[1]!.address, a.address, 1n)] }, a.privateKey);
    const e = await rejection(t.chain.submitTransaction(tx, false));
    expect(e.chainCode).toBe(-200);
    expect(e.message).toBe("account 'from' has not authorized transfer");
  });

  test("rc limit below the network charge → insufficient rc, a failure (-1)", async () => {
    const t = await createTestChain();
    const e = await rejection(t.chain.submitTransaction(t.transfer(0, 1, 7n, 1n, { rcLimit: 10n }), false));
    expect(e.chainCode).toBe(-1);
    expect(e.message).toBe("insufficient rc");
  });

  test("rc limit covering the network charge but not the work → reverted in a block, mana still charged", async () => {
    const t = await createTestChain();
    const probe = await t.chain.submitTransaction(t.transfer(0, 1, 7n, 1n), false);
    const prices = t.chain.resourceLimits();
    const rcLimit = probe.network_bandwidth_used * prices.network_bandwidth_cost + 1n;
    const tx = t.transfer(0, 1, 7n, 1n, { rcLimit });
    const e = await rejection(t.chain.submitTransaction(tx, false));
    expect(e.chainCode).toBe(104);
    expect(e.message).toBe("insufficient rc");
    expect(e.data).toEqual({ logs: ["transaction reverted: insufficient rc"] });
    const receipt = await t.produce([tx]);
    const r = receipt.transaction_receipts[0]!;
    expect(r.reverted).toBe(true);
    expect(r.rc_used).toBe(rcLimit);
    expect(r.logs.at(-1)).toBe("transaction reverted: insufficient rc");
    expect(t.balance(1)).toBe(DEV_BALANCE);
    expect(t.chain.accountNonce(t.dev.accounts[0]!.address)).toEqual(encodeNonce(1n));
  });
});

describe("checkTransactionStructure: a structure checked once is not encoded and hashed again", () => {
  /** Runs `fn` and counts the header and operation encodes it made. */
  function encodes<T>(fn: () => T): { result: T; count: number } {
    const header = spyOn(protocol.TransactionHeader, "encode");
    const op = spyOn(protocol.Operation, "encode");
    try {
      const result = fn();
      return { result, count: header.mock.calls.length + op.mock.calls.length };
    } finally {
      header.mockRestore();
      op.mockRestore();
    }
  }

  /** The check without the cache: a fresh transaction (new byte arrays) of the same content. */
  const fresh = (tx: protocol.Transaction, rules: ChainRules) => {
    const copy = protocol.Transaction.decode(protocol.Transaction.encode(tx).finish());
    return checkTransactionStructure(copy, copy.header!, rules);
  };

  test("the same transaction, or a copy holding the same byte arrays, is checked once (the block's check of a submitted transfer)", async () => {
    const t = await createTestChain();
    const tx = t.transfer(0, 1, 5n, 1n);
    const rules = t.chain.rules;
    const first = encodes(() => checkTransactionStructure(tx, tx.header!, rules));
    expect(first.count).toBe(2);
    const again = encodes(() => checkTransactionStructure(tx, tx.header!, rules));
    expect(again.count).toBe(0);
    expect(again.result).toBe(first.result);
    const copy = { ...tx, header: { ...tx.header! }, operations: tx.operations.map((op) => ({ call_contract: { ...op.call_contract! } })), signatures: [...tx.signatures] };
    const ofCopy = encodes(() => checkTransactionStructure(copy, copy.header, rules));
    expect(ofCopy.count).toBe(0);
    expect(ofCopy.result).toEqual(fresh(tx, rules));
    // Submitted, then applied in a block: the block's check finds it (and the block's signature prefetch skips it).
    expect(signersProbablyKnown(tx)).toBe(false);
    await t.chain.submitTransaction(tx, false);
    expect(signersProbablyKnown(tx)).toBe(true);
    const block = t.block([tx]);
    const lookups = spyOn(SignatureCache.prototype, "transactionSigners");
    try {
      const applied = encodes(() => t.chain.submitBlock(block));
      expect((await applied.result)?.transaction_receipts.length).toBe(1);
      expect(applied.count).toBe(0);
      // Its signers too were found with its structure, not looked up again.
      expect(lookups.mock.calls.length).toBe(0);
    } finally {
      lookups.mockRestore();
    }
    expect(t.balance(1)).toBe(DEV_BALANCE + 5n);
  });

  test("the same id bytes with another header field, operation or signature list is checked in full", async () => {
    const t = await createTestChain();
    const rules = t.chain.rules;
    const tx = t.transfer(0, 1, 5n, 1n);
    checkTransactionStructure(tx, tx.header!, rules);
    // Another nonce (a new array) or rc limit under the same id array: the id no longer matches.
    for (const header of [{ ...tx.header!, nonce: encodeNonce(2n) }, { ...tx.header!, rc_limit: tx.header!.rc_limit + 1n }, { ...tx.header!, payee: t.dev.accounts[2]!.address }]) {
      const changed = { ...tx, header };
      expect(() => checkTransactionStructure(changed, header, rules)).toThrow("transaction contains an invalid transaction id");
    }
    // Another operation, another argument array, or another member of the same operation: the root no longer matches.
    const other = transferOp(t.dev.accounts[0]!.address, t.dev.accounts[2]!.address, 5n);
    const ops: protocol.Operation[][] = [
      [other],
      [...tx.operations, other],
      [{ call_contract: { ...tx.operations[0]!.call_contract!, args: other.call_contract!.args } }],
      [{ call_contract: { ...tx.operations[0]!.call_contract!, entry_point: 1 } }],
      [{ set_system_contract: { contract_id: tx.operations[0]!.call_contract!.contract_id, system_contract: false } }],
    ];
    for (const operations of ops) {
      expect(() => checkTransactionStructure({ ...tx, operations }, tx.header!, rules)).toThrow("operation merkle root does not match");
    }
    // Another signature list: still valid structure, its own encoded length.
    const twoSigs = { ...tx, signatures: [...tx.signatures, new Uint8Array(65)] };
    const s = checkTransactionStructure(twoSigs, tx.header!, rules);
    expect(s.encodedLength).toBe(fresh(twoSigs, rules).encodedLength);
    expect(s.encodedLength).toBeGreaterThan(checkTransactionStructure(tx, tx.header!, rules).encodedLength);
  });

  test("signers found with a checked structure are not reused for other signatures under the same id bytes", async () => {
    const t = await createTestChain();
    const tx = t.transfer(0, 1, 5n, 1n);
    await t.chain.submitTransaction(tx, false);
    // The same header and id array, signed by account 2 instead of the payer.
    const forged = { ...tx, signatures: signTransaction({ ...tx, signatures: [] }, t.dev.accounts[2]!.privateKey).signatures };
    const e = await rejection(t.chain.submitTransaction(forged, false));
    expect(e.chainCode).toBe(-200);
    await t.chain.submitTransaction(tx, false);
  });

  test("a checked transaction still has its chain id checked, and `remember` still remembers its encoding", async () => {
    const t = await createTestChain();
    const tx = t.transfer(0, 1, 5n, 1n);
    checkTransactionStructure(tx, tx.header!, t.chain.rules);
    expect(() => checkTransactionStructure(tx, tx.header!, { ...t.chain.rules, chainId: toMultihash(sha256(new Uint8Array([1]))) })).toThrow("chain id mismatch");
    expect(rememberedEncoding(tx)).toBeUndefined();
    checkTransactionStructure(tx, tx.header!, t.chain.rules, true);
    expect(rememberedEncoding(tx)).toEqual(protocol.Transaction.encode(tx).finish());
  });
});
