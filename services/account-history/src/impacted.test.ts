/** The impacted-address rules of protocol §3.4 and the order of one block's records. */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { account_history, encodeRemembered, protocol } from "@cairn/proto";
import { blockHistory, blockImpacted, transactionImpacted } from "./impacted.ts";

const addr = (n: number) => new Uint8Array([0x00, ...new Array(24).fill(n)]);
const hexes = (xs: Uint8Array[]) => xs.map(toHex);
const sorted = (...xs: Uint8Array[]) => hexes(xs).sort();

function tx(o: { payer?: Uint8Array; payee?: Uint8Array; operations?: protocol.Operation[]; id?: number }): protocol.Transaction {
  return protocol.Transaction.fromPartial({ id: new Uint8Array([o.id ?? 1]), header: { payer: o.payer ?? addr(1), payee: o.payee ?? new Uint8Array() }, operations: o.operations ?? [] });
}

function receipt(events: Partial<protocol.EventData>[] = [], payer = addr(1)): protocol.TransactionReceipt {
  return protocol.TransactionReceipt.fromPartial({ payer, events });
}

describe("transactionImpacted", () => {
  test("payer, and payee when set", () => {
    expect(hexes(transactionImpacted(tx({ payer: addr(1) }), receipt()))).toEqual(sorted(addr(1)));
    expect(hexes(transactionImpacted(tx({ payer: addr(1), payee: addr(2) }), receipt()))).toEqual(sorted(addr(1), addr(2)));
  });

  test("the receipt's payer when the header has none", () => {
    expect(hexes(transactionImpacted(tx({ payer: new Uint8Array() }), receipt([], addr(9))))).toEqual(sorted(addr(9)));
  });

  test("contract ids of call_contract, upload_contract, set_system_contract and a set_system_call bundle", () => {
    const operations = [
      protocol.Operation.fromPartial({ call_contract: { contract_id: addr(3) } }),
      protocol.Operation.fromPartial({ upload_contract: { contract_id: addr(4) } }),
      protocol.Operation.fromPartial({ set_system_contract: { contract_id: addr(5), system_contract: true } }),
      protocol.Operation.fromPartial({ set_system_call: { call_id: 7, target: { system_call_bundle: { contract_id: addr(6), entry_point: 1 } } } }),
      protocol.Operation.fromPartial({ set_system_call: { call_id: 8, target: { thunk_id: 3 } } }),
    ];
    expect(hexes(transactionImpacted(tx({ operations }), receipt()))).toEqual(sorted(addr(1), addr(3), addr(4), addr(5), addr(6)));
  });

  test("event sources and impacted, each address once, in byte order", () => {
    const r = receipt([
      { source: addr(7), name: "a", impacted: [addr(8), addr(1)] },
      { source: addr(7), name: "b", impacted: [addr(2), new Uint8Array()] },
    ]);
    expect(hexes(transactionImpacted(tx({}), r))).toEqual(sorted(addr(1), addr(2), addr(7), addr(8)));
  });

  test("many addresses, repeated and as copies, are each once, in byte order", () => {
    const events = Array.from({ length: 40 }, (_, i) => ({ source: addr(i % 7), name: "e", impacted: [addr((i * 3) % 11), addr(1), new Uint8Array()] }));
    const expected = sorted(...Array.from({ length: 11 }, (_, i) => addr(i)));
    expect(hexes(transactionImpacted(tx({}), receipt(events)))).toEqual(expected);
    // A copy of an address (equal bytes, another array) counts once too.
    expect(hexes(transactionImpacted(tx({ payee: addr(1).slice() }), receipt([{ source: addr(1).slice(), impacted: [addr(1)] }])))).toEqual(sorted(addr(1)));
  });
});

describe("blockImpacted", () => {
  test("the signer and block-level event sources and impacted; transaction events are not the block's", () => {
    const block = protocol.Block.fromPartial({ id: new Uint8Array([9]), header: { height: 1n, signer: addr(1) }, transactions: [tx({ payer: addr(2) })] });
    const r = protocol.BlockReceipt.fromPartial({
      events: [{ source: addr(3), name: "mint", impacted: [addr(4)] }],
      transaction_receipts: [receipt([{ source: addr(5), impacted: [addr(6)] }], addr(2))],
    });
    expect(hexes(blockImpacted(block, r))).toEqual(sorted(addr(1), addr(3), addr(4)));
  });
});

describe("blockHistory", () => {
  test("block record first, then transactions in block order; records that impact nobody are left out", () => {
    const txs = [tx({ id: 1, payer: addr(2) }), tx({ id: 2, payer: addr(3) })];
    const block = protocol.Block.fromPartial({ id: new Uint8Array([9]), header: { height: 4n, signer: addr(1) }, transactions: txs });
    const r = protocol.BlockReceipt.fromPartial({ id: block.id, height: 4n, transaction_receipts: [receipt([], addr(2)), receipt([], addr(3))] });
    const h = blockHistory({ block, receipt: r });
    expect(h.map((x) => [x.position, x.kind, hexes(x.impacted)])).toEqual([
      [0, "block", sorted(addr(1))],
      [1, "trx", sorted(addr(2))],
      [2, "trx", sorted(addr(3))],
    ]);
    const rec = account_history.BlockRecord.decode(h[0]!.record);
    expect(rec.header!.height).toBe(4n);
    expect(rec.receipt!.transaction_receipts).toHaveLength(2);
    expect(account_history.TransactionRecord.decode(h[2]!.record).transaction!.id).toEqual(new Uint8Array([2]));

    const unsigned = protocol.Block.fromPartial({ id: new Uint8Array([9]), header: { height: 4n }, transactions: [] });
    expect(blockHistory({ block: unsigned, receipt: protocol.BlockReceipt.fromPartial({}) })).toEqual([]);
  });

  test("records cut from the remembered encodings of the block and receipt are the bytes encoding them gives", () => {
    const make = (header: boolean) => {
      const txs = [tx({ id: 1, payer: addr(2), payee: addr(5) }), tx({ id: 2, payer: addr(3), operations: [protocol.Operation.fromPartial({ call_contract: { contract_id: addr(4), entry_point: 7, args: new Uint8Array(300).fill(1) } })] })];
      const block = protocol.Block.fromPartial({ id: new Uint8Array([9]), header: header ? { height: 4n, signer: addr(1), previous: new Uint8Array(34).fill(2) } : undefined, transactions: txs, signature: new Uint8Array(65).fill(3) });
      const events = [{ source: addr(1), name: "block event", impacted: [addr(6)], data: new Uint8Array(200).fill(4) }];
      const r = protocol.BlockReceipt.fromPartial({ id: block.id, height: 4n, disk_storage_used: 10n, events, transaction_receipts: [receipt([], addr(2)), receipt([{ source: addr(4), name: "e", impacted: [addr(7)] }], addr(3))], logs: ["a"], network_bandwidth_charged: 300n });
      return { block, receipt: r };
    };
    for (const header of [true, false]) {
      const fresh = blockHistory(make(header));
      const shared = make(header);
      encodeRemembered(protocol.Block, shared.block);
      encodeRemembered(protocol.BlockReceipt, shared.receipt);
      const cut = blockHistory(shared);
      expect(cut.map((x) => x.position)).toEqual([0, 1, 2]);
      expect(cut).toEqual(fresh);
    }
  });

  test("a receipt that does not match the block's transactions is refused", () => {
    const block = protocol.Block.fromPartial({ id: new Uint8Array([9]), header: { height: 1n, signer: addr(1) }, transactions: [tx({})] });
    expect(() => blockHistory({ block, receipt: protocol.BlockReceipt.fromPartial({}) })).toThrow("block receipt does not match");
  });
});
