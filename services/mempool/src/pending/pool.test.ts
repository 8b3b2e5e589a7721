/** The in-memory index: arrival order, nonce tops, payer sums, removal bookkeeping. */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { ACCOUNTS, accepted, makeTx } from "../testing/fixtures.ts";
import { mempool, protocol, rememberEncoding } from "@cairn/proto";
import { entryFromAccepted, toPendingTransaction } from "./entry.ts";
import { PendingPool } from "./pool.ts";

let seq = 1n;
const entry = (from: number, nonce: bigint, rcLimit = 10n, payee?: number) => entryFromAccepted(accepted(makeTx(from, nonce, { payee, rcLimit }), { rcUsed: 1n }), seq++, 0);

describe("PendingPool", () => {
  test("arrival order survives removals; a re-added entry goes to the end", () => {
    const pool = new PendingPool();
    const [a, b, c] = [entry(0, 1n), entry(1, 1n), entry(2, 1n)];
    for (const e of [a, b, c]) pool.add(e);
    expect(pool.first(10).map((e) => e.idHex)).toEqual([a.idHex, b.idHex, c.idHex]);
    expect(pool.first(0)).toEqual([]);
    pool.remove(a.idHex);
    pool.add(a);
    expect(pool.first(10).map((e) => e.idHex)).toEqual([b.idHex, c.idHex, a.idHex]);
    expect(pool.remove("00")).toBeUndefined();
  });

  test("highest nonce per account follows additions and removals", () => {
    const pool = new PendingPool();
    const [n3, n1, n2] = [entry(0, 3n), entry(0, 1n), entry(0, 2n)];
    for (const e of [n3, n1, n2]) pool.add(e);
    const acct = toHex(ACCOUNTS[0]!);
    expect(pool.topOf(acct)).toBe(n3);
    expect(pool.ofAccount(acct).map((e) => e.nonce)).toEqual([1n, 2n, 3n]);
    pool.remove(n3.idHex);
    expect(pool.topOf(acct)).toBe(n2);
    pool.remove(n1.idHex);
    pool.remove(n2.idHex);
    expect(pool.topOf(acct)).toBeUndefined();
    expect(pool.countOf(acct)).toBe(0);
    expect(pool.nonceAccounts()).toEqual([]);
  });

  test("payer counts and reserved rc (sum of rc_limits) are kept per payer, nonce accounts per payee", () => {
    const pool = new PendingPool();
    const own = entry(0, 1n, 7n);
    const forOther = entry(0, 4n, 5n, 1);
    pool.add(own);
    pool.add(forOther);
    expect(pool.reservedRc(toHex(ACCOUNTS[0]!))).toBe(12n);
    expect(pool.countOf(toHex(ACCOUNTS[1]!))).toBe(1);
    expect(pool.accountBytes(toHex(ACCOUNTS[1]!))).toEqual(ACCOUNTS[1]!);
    pool.remove(own.idHex);
    expect(pool.reservedRc(toHex(ACCOUNTS[0]!))).toBe(5n);
    pool.remove(forOther.idHex);
    expect(pool.reservedRc(toHex(ACCOUNTS[0]!))).toBe(0n);
    expect(pool.size).toBe(0);
  });
});

describe("entries and what they answer", () => {
  test("an entry's stored bytes are the transaction's encoding, the chain's remembered ones when there are; a pending answer shares the transaction", () => {
    const tx = makeTx(3, 1n, { rcLimit: 10n });
    const fresh = entryFromAccepted(accepted(tx, { rcUsed: 1n }), seq++, 0);
    expect(fresh.transaction).toEqual(protocol.Transaction.encode(tx).finish());
    const remembered = protocol.Transaction.encode(tx).finish();
    // Bytes remembered for the very transaction object of the payload are taken as they are.
    const other = accepted(makeTx(4, 1n, { rcLimit: 10n }), { rcUsed: 1n });
    rememberEncoding(other.transaction!, remembered);
    expect(entryFromAccepted(other, seq++, 0).transaction).toBe(remembered);
    const pending = toPendingTransaction(fresh);
    expect(pending.transaction).toBe(fresh.tx);
    expect(pending).toEqual(mempool.PendingTransaction.fromPartial({ ...pending }));
  });
});
