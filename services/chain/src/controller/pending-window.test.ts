import { describe, expect, test } from "bun:test";
import { protocol } from "@cairn/proto";
import { encodeNonce } from "@cairn/protocol";
import { PendingWindow, windowView } from "./pending-window.ts";

const account = (n: number) => new Uint8Array(25).fill(n);
let nextId = 1;
function tx(payer: Uint8Array, nonce: bigint, opts: { payee?: Uint8Array; rcLimit?: bigint } = {}): protocol.Transaction {
  return protocol.Transaction.fromPartial({
    id: new Uint8Array([0x12, 0x20, nextId++]),
    header: { payer, payee: opts.payee ?? new Uint8Array(), nonce: encodeNonce(nonce), rc_limit: opts.rcLimit ?? 10n },
  });
}
const receipt = protocol.TransactionReceipt.fromPartial({});

describe("pending window", () => {
  test("entriesOf lists the payer's and the nonce account's entries once each, within the grace", () => {
    let now = 1_000;
    const w = new PendingWindow(100, 10, () => now);
    const a = tx(account(1), 1n);
    const sponsored = tx(account(2), 1n, { payee: account(1) });
    const other = tx(account(3), 1n);
    w.add(a, receipt);
    w.add(sponsored, receipt);
    w.add(other, receipt);
    expect(w.entriesOf(account(1), account(1)).map((e) => e.tx)).toEqual([a, sponsored]);
    expect(w.entriesOf(account(2), account(1)).map((e) => e.tx).sort((x, y) => x.id[2]! - y.id[2]!)).toEqual([a, sponsored]);
    expect(windowView(w.entriesOf(account(2), account(2)), account(2), account(2))).toEqual({ reservedRc: 10n, nonces: new Set(), topNonce: undefined, count: 0 });
    now += 101;
    expect(w.entriesOf(account(1), account(1))).toEqual([]);
    expect(w.size).toBe(3);
  });

  test("removal by id, by confirmation and by block inclusion leaves the indexes consistent", () => {
    const w = new PendingWindow(1_000, 10);
    const t1 = tx(account(1), 1n);
    const t2 = tx(account(1), 2n);
    const t3 = tx(account(1), 3n);
    for (const t of [t1, t2, t3]) w.add(t, receipt);
    w.add(t1, receipt); // the same transaction again replaces its entry
    expect(w.size).toBe(3);
    w.remove(t1.id);
    w.confirm([...w.entriesOf(account(1), account(1))].filter((e) => e.tx === t2).map((e) => e.idHex));
    expect(w.entriesOf(account(1), account(1)).map((e) => e.tx)).toEqual([t3]);
    w.removeIncluded(protocol.Block.fromPartial({ transactions: [t3] }));
    expect(w.size).toBe(0);
    expect(w.entriesOf(account(1), account(1))).toEqual([]);
    expect(w.isFull()).toBe(false);
  });
});
