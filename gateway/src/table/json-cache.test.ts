/**
 * The JSON fragment cache: answers assembled from cached fragments are byte for byte the answers
 * without the cache (through `createApp`, first and repeated reads, every flag combination, forks),
 * history entries are keyed by content (a seq_num that changes record on a fork answers the new
 * record), and each list stays within its byte budget.
 */
import { describe, expect, test } from "bun:test";
import { account_history, protocol } from "@cairn/proto";
import { defaultJsonCodec } from "@cairn/protocol";
import { createApp } from "../app.ts";
import { createFakeNode, fakeId } from "../testing/fake-node.ts";
import { call, post } from "../testing/http.ts";
import { createJsonCache } from "./json-cache.ts";
import { buildMethodTable } from "./method-table.ts";

const idOf = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;

function transaction(seed: string): protocol.Transaction {
  return protocol.Transaction.fromPartial({
    id: fakeId(`trx ${seed}`),
    header: { chain_id: fakeId("chain"), rc_limit: 1000n, nonce: new Uint8Array([8, 1]), operation_merkle_root: fakeId(`root ${seed}`), payer: fakeId(`payer ${seed}`).subarray(0, 25) },
    operations: [{ call_contract: { contract_id: fakeId("koin").subarray(0, 25), entry_point: 0x27f576ca, args: new Uint8Array([1, 2, 3, Number(seed.length)]) } }],
    signatures: [fakeId(`sig ${seed}`)],
  });
}

/** A fake node with a chain of 12 blocks carrying transactions and a fork at height 6. */
function chain() {
  const node = createFakeNode(0);
  const main = [];
  for (let i = 0; i < 12; i++) main.push(node.addBlock(undefined, true, i % 3 === 0 ? [] : [transaction(`${i} a`), transaction(`${i} b`)]));
  const fork = node.addBlock(main[4]!.block.id, false, [transaction("fork")]);
  return { node, main, fork };
}

const budgets = { blockItemBytes: 1 << 20, historyEntryBytes: 1 << 20 };

describe("JSON fragment cache", () => {
  test("block answers are byte for byte those without the cache, first and repeated, every flag, by height and by id", async () => {
    const { node, main, fork } = chain();
    const plain = createApp({ jsonCache: { blockItemBytes: 0, historyEntryBytes: 0 } }, { clients: node.clients });
    const cached = createApp({ jsonCache: budgets }, { clients: node.clients });
    const head = idOf(main.at(-1)!.block.id);
    const requests = [];
    for (const return_block of [true, false]) {
      for (const return_receipt of [true, false]) {
        for (const start of ["1", "4", "9"]) requests.push(call("block_store.get_blocks_by_height", { head_block_id: head, ancestor_start_height: start, num_blocks: 10, return_block, return_receipt }));
        requests.push(call("block_store.get_blocks_by_height", { head_block_id: idOf(fork.block.id), ancestor_start_height: "3", num_blocks: 10, return_block, return_receipt }));
        requests.push(call("block_store.get_blocks_by_id", { block_ids: [idOf(main[5]!.block.id), idOf(fork.block.id), idOf(fakeId("unknown")), idOf(main[5]!.block.id)], return_block, return_receipt }));
      }
    }
    requests.push(call("block_store.get_blocks_by_height", { head_block_id: head, ancestor_start_height: "50", num_blocks: 10, return_block: true, return_receipt: true }));
    for (let pass = 0; pass < 2; pass++) {
      for (const r of requests) {
        const [a, b] = [await post(plain, r), await post(cached, r)];
        expect(b.raw).toBe(a.raw);
        expect(a.json.error).toBeUndefined();
      }
    }
    const first = (await post(cached, requests[0]!)).json.result.block_items;
    expect(first.length).toBe(10);
    expect(first[1].block.transactions.length).toBe(2);
    await plain.close();
    await cached.close();
  });

  test("history answers are byte for byte those without the cache, first and repeated", async () => {
    const { node } = chain();
    const plain = createApp({ jsonCache: { blockItemBytes: 0, historyEntryBytes: 0 } }, { clients: node.clients });
    const cached = createApp({ jsonCache: budgets }, { clients: node.clients });
    for (let pass = 0; pass < 2; pass++) {
      for (const limit of [1, 5, 50]) {
        const r = call("account_history.get_account_history", { address: "1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1cs", limit, ascending: false });
        const [a, b] = [await post(plain, r), await post(cached, r)];
        expect(b.raw).toBe(a.raw);
        expect(a.json.result.values.length).toBe(Math.min(limit, 13));
      }
    }
    await plain.close();
    await cached.close();
  });

  test("history records are keyed by content: the same seq_num with another record answers the new record, one record at two seq_nums shares a fragment", () => {
    const codec = defaultJsonCodec();
    const table = buildMethodTable(codec, createFakeNode(0).clients, { allow: [], deny: [] });
    const method = table.get("account_history", "get_account_history")!;
    const cache = createJsonCache(budgets, codec);
    const entry = (seed: string, seq: bigint) => account_history.AccountHistoryEntry.fromPartial({ seq_num: seq, trx: { transaction: transaction(seed), receipt: { id: fakeId(`trx ${seed}`), rc_used: BigInt(seed.length), events: [{ sequence: 1, source: fakeId("koin").subarray(0, 25), name: "koinos.contracts.token.transfer_event", data: new Uint8Array([seed.length]), impacted: [fakeId(seed).subarray(0, 25)] }] } } });
    const text = (values: account_history.AccountHistoryEntry[]) => JSON.stringify(method.output.toJson({ values }));
    const before = [entry("one", 0n), entry("two", 1n)];
    // After a fork switch, seq_num 1 is another transaction; then the same transaction with another receipt.
    const after = [entry("one", 0n), entry("three", 1n)];
    const receiptChanged = [entry("one", 0n), account_history.AccountHistoryEntry.fromPartial({ ...entry("three", 1n), trx: { ...entry("three", 1n).trx!, receipt: { ...entry("three", 1n).trx!.receipt!, rc_used: 999n } } })];
    for (const values of [before, after, receiptChanged, before]) expect(cache.text(method, { values })).toBe(text(values));
    expect(cache.size().historyEntries.entries).toBe(4);
    // The same record at another seq_num (the receiver's entry of one transfer): the fragment is shared.
    for (const seq of [0n, 7n, 1234567890123n]) expect(cache.text(method, { values: [entry("one", seq)] })).toBe(text([entry("one", seq)]));
    expect(cache.size().historyEntries.entries).toBe(4);
    // An empty page: left to the codec.
    expect(cache.text(method, { values: [] })).toBeUndefined();
  });

  test("each list stays within its byte budget, least recently used dropped first", () => {
    const codec = defaultJsonCodec();
    const { node, main } = chain();
    const table = buildMethodTable(codec, node.clients, { allow: [], deny: [] });
    const method = table.get("block_store", "get_blocks_by_id")!;
    const item = (i: number) => ({ block_id: main[i]!.block.id, block_height: main[i]!.block.header!.height, block: main[i]!.block, receipt: main[i]!.receipt });
    const one = JSON.stringify(codec.forType("cairn.block_store.v1.BlockItem").toJson(item(1))).length;
    // Room for about eight items (an item past an eighth of the budget is not kept).
    const budget = one * 8 + 2000;
    const cache = createJsonCache({ blockItemBytes: budget, historyEntryBytes: 0 }, codec);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < main.length; i++) {
        const block_items = [item(i)];
        expect(cache.text(method, { block_items })).toBe(JSON.stringify(method.output.toJson({ block_items })));
        expect(cache.size().blockItems.bytes).toBeLessThanOrEqual(budget);
      }
    }
    expect(cache.size().blockItems.entries).toBeGreaterThan(3);
    expect(cache.size().blockItems.entries).toBeLessThan(main.length);
    // Off (budget 0): nothing is held and the codec answers.
    const off = createJsonCache({ blockItemBytes: 0, historyEntryBytes: 0 }, codec);
    expect(off.text(method, { block_items: [item(1)] })).toBeUndefined();
  });
});
