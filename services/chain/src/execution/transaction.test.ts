/** Every rejection path of protocol §4.9, in order, with its Koinos code and message. */
import { describe, expect, test } from "bun:test";
import { protocol } from "@cairn/proto";
import { buildTransaction, encodeNonce, operationMerkleRoot, sha256, signTransaction, toMultihash, transactionId } from "@cairn/protocol";
import { DEV_BALANCE, createTestChain, transferOp } from "../testing/harness.ts";
import { ChainError } from "./errors.ts";

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
    ["id", (tx: protocol.Transaction) => (tx.id = new Uint8Array())],
    ["header", (tx: protocol.Transaction) => (tx.header = undefined)],
    ["header.payer", (tx: protocol.Transaction) => (tx.header!.payer = new Uint8Array())],
    ["header.rc_limit", (tx: protocol.Transaction) => (tx.header!.rc_limit = 0n)],
    ["header.operation_merkle_root", (tx: protocol.Transaction) => (tx.header!.operation_merkle_root = new Uint8Array())],
    ["signatures", (tx: protocol.Transaction) => (tx.signatures = [])],
  ])("missing %s → missing_required_arguments", async (field, mutate) => {
    const t = await createTestChain();
    const tx = t.transfer(0, 1, 1n, 1n);
    mutate(tx);
    const e = await rejection(t.chain.submitTransaction(tx, false));
    expect(e.chainCode).toBe(-1002);
    expect(e.message).toBe(`missing expected field in transaction: ${field}`);
  });

  test("rc limit above the payer's rc → insufficient_rc", async () => {
    const t = await createTestChain();
    const e = await rejection(t.chain.submitTransaction(t.transfer(0, 1, 1n, 1n, { rcLimit: DEV_BALANCE + 1n }), false));
    expect(e.chainCode).toBe(104);
    expect(e.message).toBe("payer does not have the rc to cover transaction rc limit");
  });

  test("wrong chain id", async () => {
    const t = await createTestChain();
    const e = await rejection(t.chain.submitTransaction(t.transfer(0, 1, 1n, 1n, { chainId: toMultihash(sha256(new Uint8Array([1]))) }), false));
    expect(e.chainCode).toBe(-204);
    expect(e.message).toBe("chain id mismatch");
  });

  test("id that is not the header hash", async () => {
    const t = await createTestChain();
    const tx = t.transfer(0, 1, 1n, 1n);
    tx.id = transactionId({ ...tx.header!, rc_limit: 5n });
    const e = await rejection(t.chain.submitTransaction(tx, false));
    expect(e.chainCode).toBe(-204);
    expect(e.message).toBe("transaction contains an invalid transaction id");
  });

  test("operations that do not match the operation merkle root", async () => {
    const t = await createTestChain();
    const tx = t.transfer(0, 1, 1n, 1n);
    tx.operations.push(transferOp(t.dev.accounts[0]!.address, t.dev.accounts[2]!.address, 1n));
    const e = await rejection(t.chain.submitTransaction(tx, false));
    expect(e.message).toBe("invalid operation merkle root");
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
    expect(e.chainCode).toBe(-101);
  });

  test("payer that did not sign → authorization_failure", async () => {
    const t = await createTestChain();
    const a = t.dev.accounts[0]!;
    const tx = buildTransaction({ chainId: t.chain.rules.chainId, payer: a.address, nonce: 1n, rcLimit: 1_000_000n, operations: [] }, t.dev.accounts[1]!.privateKey);
    const e = await rejection(t.chain.submitTransaction(tx, false));
    expect(e.chainCode).toBe(-200);
    expect(e.message).toContain(`payer ${a.addressBase58} has not authorized transaction`);
  });

  test("payee that did not sign → authorization_failure", async () => {
    const t = await createTestChain();
    const a = t.dev.accounts[0]!;
    const b = t.dev.accounts[1]!;
    const tx = buildTransaction({ chainId: t.chain.rules.chainId, payer: a.address, payee: b.address, nonce: 1n, rcLimit: 1_000_000n, operations: [] }, a.privateKey);
    const e = await rejection(t.chain.submitTransaction(tx, false));
    expect(e.message).toContain(`payee ${b.addressBase58} has not authorized transaction`);
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
  });

  test("a reverting contract call (transfer to yourself) → code 1 with the contract's logs", async () => {
    const t = await createTestChain();
    const e = await rejection(t.chain.submitTransaction(t.transfer(0, 0, 1n, 1n), false));
    expect(e.chainCode).toBe(1);
    expect(e.message).toBe("cannot transfer to yourself");
    expect(e.data).toEqual({ logs: [] });
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
    expect(e.message).toBe("from has not authorized transfer");
  });

  test("rc limit too small for the work → reverted in a block, mana still charged", async () => {
    const t = await createTestChain();
    const tx = t.transfer(0, 1, 7n, 1n, { rcLimit: 10n });
    const e = await rejection(t.chain.submitTransaction(tx, false));
    expect(e.chainCode).toBe(104);
    const receipt = await t.produce([tx]);
    const r = receipt.transaction_receipts[0]!;
    expect(r.reverted).toBe(true);
    expect(r.rc_used).toBe(10n);
    expect(r.logs.at(-1)).toBe("transaction reverted: transaction exceeded its rc limit");
    expect(t.balance(1)).toBe(DEV_BALANCE);
    expect(t.chain.accountNonce(t.dev.accounts[0]!.address)).toEqual(encodeNonce(1n));
  });
});
