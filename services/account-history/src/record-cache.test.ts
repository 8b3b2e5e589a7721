/** Decoded records kept by content: same bytes → the same decoded record and key; other bytes never share one. */
import { describe, expect, test } from "bun:test";
import { CONTENT_KEY } from "@cairn/core";
import { account_history, protocol } from "@cairn/proto";
import { DECODED_FACTOR, RecordCache } from "./record-cache.ts";

const trx = (n: number, rc: bigint) =>
  account_history.TransactionRecord.encode({ transaction: protocol.Transaction.fromPartial({ id: new Uint8Array([n]) }), receipt: protocol.TransactionReceipt.fromPartial({ id: new Uint8Array([n]), rc_used: rc }) }).finish();
const keyOf = (r: object) => (r as { [CONTENT_KEY]?: string })[CONTENT_KEY];

describe("RecordCache", () => {
  test("the same bytes give the same decoded record and content key; other bytes another", () => {
    const cache = new RecordCache(1 << 20);
    const a = cache.decode("trx", trx(1, 5n));
    expect(cache.decode("trx", trx(1, 5n))).toBe(a);
    expect(a).toEqual(account_history.TransactionRecord.decode(trx(1, 5n)));
    const b = cache.decode("trx", trx(1, 6n)); // same transaction, another receipt
    expect(b).not.toBe(a);
    expect(keyOf(b)).not.toBe(keyOf(a));
    expect(keyOf(a)).toBe(`trx:${Bun.SHA256.hash(trx(1, 5n), "base64")}`);
    // The key is not enumerable: nothing that walks the message sees it.
    expect(Object.keys(a)).not.toContain(String(CONTENT_KEY));
    expect(account_history.TransactionRecord.encode(a as account_history.TransactionRecord).finish()).toEqual(trx(1, 5n));
  });

  test("stays within its budget, least recently used dropped first; 0 decodes every time", () => {
    const size = trx(1, 1n).length * DECODED_FACTOR;
    const cache = new RecordCache(size * 3);
    const first = cache.decode("trx", trx(1, 1n));
    for (let i = 2; i <= 4; i++) cache.decode("trx", trx(i, 1n));
    expect(cache.size().records).toBe(3);
    expect(cache.size().bytes).toBeLessThanOrEqual(size * 3);
    expect(cache.decode("trx", trx(1, 1n))).not.toBe(first); // dropped, decoded again
    const none = new RecordCache(0);
    const x = none.decode("trx", trx(1, 1n));
    expect(none.decode("trx", trx(1, 1n))).not.toBe(x);
    expect(keyOf(x)).toBe(keyOf(none.decode("trx", trx(1, 1n))));
    expect(none.size()).toEqual({ records: 0, bytes: 0 });
  });
});
