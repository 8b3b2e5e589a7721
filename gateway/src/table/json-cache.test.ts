/**
 * Answers assembled from cached JSON fragments are byte for byte the answers of plain calls (the
 * same app with the cache off): block reads of every shape, before and after a fork switch, with a
 * budget that holds everything and one that holds almost nothing; account history pages whose
 * seq_nums point at other records after a fork switch; REST over the same reads.
 */
import { describe, expect, test } from "bun:test";
import { CONTENT_KEY } from "@cairn/core";
import { account_history, protocol } from "@cairn/proto";
import { defaultJsonCodec } from "@cairn/protocol";
import { createInProcessClient, type ServiceImplementation } from "@cairn/rpc";
import { createApp, type GatewayApp } from "../app.ts";
import { ALICE, createFakeNode, fakeId, hex } from "../testing/fake-node.ts";
import { call, get, post } from "../testing/http.ts";
import { Lru, createJsonCache } from "./json-cache.ts";

const OFF = { jsonCache: { blockBytes: 0, historyBytes: 0 } };

function transactions(seed: string, n: number): protocol.Transaction[] {
  return Array.from({ length: n }, (_, i) =>
    protocol.Transaction.fromPartial({ id: fakeId(`${seed} tx ${i}`), header: { rc_limit: 1000n + BigInt(i), nonce: new Uint8Array([i]), payer: fakeId(`payer ${i}`) }, signatures: [fakeId(`sig ${seed} ${i}`)] }),
  );
}

/** The raw answers of both apps to the same body; they must be equal. */
async function same(cached: GatewayApp, plain: GatewayApp, body: unknown): Promise<string> {
  const [a, b] = [await post(cached, body), await post(plain, body)];
  expect(a.raw).toBe(b.raw);
  return a.raw;
}

describe("JSON fragment cache: blocks", () => {
  test("every read shape answers byte for byte as a plain call, across a fork switch, whatever the budget", async () => {
    const node = createFakeNode();
    for (let i = 0; i < 6; i++) node.addBlock(undefined, true, transactions(`main ${i}`, i % 3));
    const plain = createApp(OFF, { clients: node.clients });
    const apps = [createApp({}, { clients: node.clients }), createApp({ jsonCache: { blockBytes: 1500, historyBytes: 0 } }, { clients: node.clients })];
    const bodies = (headId: string) => {
      const out: unknown[] = [];
      for (const [b, r] of [[true, true], [true, false], [false, true], [false, false]]) {
        out.push(call("block_store.get_blocks_by_height", { head_block_id: headId, ancestor_start_height: "1", num_blocks: 10, return_block: b, return_receipt: r }));
        out.push(call("block_store.get_blocks_by_height", { head_block_id: headId, ancestor_start_height: "3", num_blocks: 2, return_block: b, return_receipt: r }));
        out.push(call("block_store.get_blocks_by_id", { block_ids: [hex(node.blockAt(2)!.block.id), hex(fakeId("unknown")), hex(node.blockAt(5)!.block.id)], return_block: b, return_receipt: r }));
      }
      // Errors and the empty answer come from the service as they are.
      out.push(call("block_store.get_blocks_by_height", { head_block_id: hex(fakeId("nowhere")), ancestor_start_height: "1", num_blocks: 2, return_block: true, return_receipt: true }));
      out.push(call("block_store.get_blocks_by_id", { block_ids: [], return_block: true, return_receipt: true }));
      out.push(call("block_store.get_blocks_by_height", { head_block_id: headId, ancestor_start_height: "1", num_blocks: 0, return_block: true, return_receipt: true }));
      return out;
    };
    const oldHead = hex(node.head!.block.id);
    for (const app of apps) for (let pass = 0; pass < 2; pass++) for (const body of bodies(oldHead)) await same(app, plain, body);
    expect(apps[0]!.options.jsonCache.blockBytes).toBeGreaterThan(0);

    // A fork from block 2 becomes the head: heights 3.. are other blocks now.
    let parent = node.blockAt(2)!.block.id;
    for (let i = 0; i < 5; i++) parent = node.addBlock(parent, true, transactions(`fork ${i}`, 2)).block.id;
    const newHead = hex(node.head!.block.id);
    for (const app of apps) {
      for (const body of [...bodies(newHead), ...bodies(oldHead)]) await same(app, plain, body);
      const both = await same(app, plain, call("block_store.get_blocks_by_height", { head_block_id: newHead, ancestor_start_height: "3", num_blocks: 1, return_block: true, return_receipt: true }));
      expect(JSON.parse(both).result.block_items[0].block_id).toBe(hex(node.blockAt(3)!.block.id));
    }
    // Any id, written as the plain answer writes it (a non-ASCII string too).
    for (const id of ["ïd ✓", 7, null]) await same(apps[0]!, plain, call("block_store.get_blocks_by_height", { head_block_id: newHead, ancestor_start_height: "2", num_blocks: 3, return_block: true, return_receipt: true }, id));
    // REST reads the same answers.
    for (const path of ["/v1/blocks?from=1&count=5", "/v1/blocks/4", `/v1/blocks/id/${hex(node.blockAt(4)!.block.id)}`]) {
      const [a, b] = [await get(apps[0]!, path), await get(plain, path)];
      expect(a.raw).toBe(b.raw);
    }
  });

  test("a cached block is not read from the service again: the ids alone are asked", async () => {
    const node = createFakeNode();
    for (let i = 0; i < 4; i++) node.addBlock(undefined, true, transactions(`b ${i}`, 2));
    const calls: { method: string; request: Record<string, unknown> }[] = [];
    const clients = { ...node.clients } as Record<string, Record<string, (req: unknown, o?: unknown) => Promise<unknown>>>;
    const blockStore = clients["cairn.block_store.v1.BlockStoreService"]!;
    clients["cairn.block_store.v1.BlockStoreService"] = {
      ...blockStore,
      getBlocksByHeight: (req, o) => (calls.push({ method: "by_height", request: req as Record<string, unknown> }), blockStore.getBlocksByHeight!(req, o)),
      getBlocksById: (req, o) => (calls.push({ method: "by_id", request: req as Record<string, unknown> }), blockStore.getBlocksById!(req, o)),
    };
    const app = createApp({}, { clients });
    const body = call("block_store.get_blocks_by_height", { head_block_id: hex(node.head!.block.id), ancestor_start_height: "1", num_blocks: 4, return_block: true, return_receipt: true });
    await post(app, body);
    expect(calls.map((c) => c.method)).toEqual(["by_height", "by_id"]);
    expect(calls[0]!.request.return_block).toBe(false);
    expect((calls[1]!.request.block_ids as unknown[]).length).toBe(4);
    await post(app, body);
    expect(calls.map((c) => c.method)).toEqual(["by_height", "by_id", "by_height"]);

    // Concurrent requests for the same new blocks share their reads: each block is read once.
    calls.length = 0;
    const fresh = createApp({}, { clients });
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(fresh, body)));
    for (const a of answers) expect(a.raw).toBe(answers[0]!.raw);
    const read = calls.filter((c) => c.method === "by_id").flatMap((c) => c.request.block_ids as Uint8Array[]);
    expect(read.length).toBe(4);
  });
});

describe("JSON fragment cache: account history", () => {
  /** A history service over `entries` (record bytes per seq_num) with decoded records keyed by content, as the real one hands them out. */
  function historyClient(entries: { current: Uint8Array[] }, keyed: boolean) {
    const impl: ServiceImplementation<typeof account_history.AccountHistoryServiceDefinition> = {
      async getAccountHistory(req) {
        const values = entries.current
          .map((bytes, seq) => {
            const trx = account_history.TransactionRecord.decode(bytes);
            if (keyed) Object.defineProperty(trx, CONTENT_KEY, { value: `trx:${Bun.SHA256.hash(bytes, "base64")}` });
            return { seq_num: BigInt(seq), trx };
          })
          .reverse()
          .slice(0, Number(req.limit));
        return { values };
      },
    };
    return createInProcessClient(account_history.AccountHistoryServiceDefinition, impl, { direct: true, shareResponses: true });
  }

  const record = (seed: string, rcUsed: bigint, reverted: boolean) =>
    account_history.TransactionRecord.encode({
      transaction: protocol.Transaction.fromPartial({ id: fakeId(seed), header: { rc_limit: 10_000n, payer: fakeId("payer") } }),
      receipt: protocol.TransactionReceipt.fromPartial({ id: fakeId(seed), rc_used: rcUsed, reverted, logs: reverted ? ["reverted: not enough ✗ KOIN"] : [], events: reverted ? [] : [{ name: "token.transfer_event", source: fakeId("koin"), data: new Uint8Array([1, 2]), impacted: [fakeId("a")] }] }),
    }).finish();

  test("pages answer byte for byte as plain calls, also when a fork switch gives seq_nums other records", async () => {
    const node = createFakeNode(1);
    const entries = { current: [record("t0", 10n, false), record("t1", 11n, false), record("t2", 12n, false), record("t3", 13n, false)] };
    const keyedClients = { ...node.clients, "cairn.account_history.v1.AccountHistoryService": historyClient(entries, true) };
    const plainClients = { ...node.clients, "cairn.account_history.v1.AccountHistoryService": historyClient(entries, false) };
    const cached = createApp({}, { clients: keyedClients });
    const plain = createApp(OFF, { clients: plainClients });
    const page = (limit: number) => call("account_history.get_account_history", { address: ALICE, limit: String(limit), ascending: false });
    for (let pass = 0; pass < 2; pass++) for (const limit of [1, 2, 10]) await same(cached, plain, page(limit));
    const before = await same(cached, plain, page(10));

    // The same transaction t3 at the same seq_num with another receipt (it reverted on the new branch), t2 replaced.
    entries.current = [entries.current[0]!, entries.current[1]!, record("f2", 20n, false), record("t3", 21n, true)];
    for (let pass = 0; pass < 2; pass++) for (const limit of [1, 2, 10]) await same(cached, plain, page(limit));
    const after = await same(cached, plain, page(10));
    expect(after).not.toBe(before);
    expect(JSON.parse(after).result.values[0].trx.receipt.reverted).toBe(true);
    // Records without a content key (as from a gRPC client) answer alike through the cache too.
    const unkeyed = createApp({}, { clients: plainClients });
    expect((await post(unkeyed, page(10))).raw).toBe(after);
    // REST too.
    const [a, b] = [await get(cached, `/v1/accounts/${ALICE}/history?limit=3`), await get(plain, `/v1/accounts/${ALICE}/history?limit=3`)];
    expect(a.raw).toBe(b.raw);
  });

  test("seq_num 0 is omitted as toJson omits it", async () => {
    const node = createFakeNode(1);
    const entries = { current: [record("only", 1n, false)] };
    const cached = createApp({}, { clients: { ...node.clients, "cairn.account_history.v1.AccountHistoryService": historyClient(entries, true) } });
    const plain = createApp(OFF, { clients: { ...node.clients, "cairn.account_history.v1.AccountHistoryService": historyClient(entries, false) } });
    const raw = await same(cached, plain, call("account_history.get_account_history", { address: ALICE, limit: "5" }));
    expect(JSON.parse(raw).result.values[0].seq_num).toBeUndefined();
  });
});

describe("Lru", () => {
  test("keeps what fits in its byte budget, least recently used dropped first", () => {
    const lru = new Lru<string>(20, (v) => v.length);
    lru.set("a", "123456789"); // 10
    lru.set("b", "123456789"); // 20
    expect(lru.get("a")).toBe("123456789"); // a is now the most recent
    lru.set("c", "123456789"); // 30 > 20: b goes
    expect(lru.get("b")).toBeUndefined();
    expect(lru.get("a")).toBe("123456789");
    expect(lru.size()).toEqual({ entries: 2, bytes: 20 });
    lru.set("d", "x".repeat(50)); // larger than the budget: never kept
    expect(lru.get("d")).toBeUndefined();
    expect(lru.size().bytes).toBeLessThanOrEqual(20);
  });

  test("a cache with both budgets 0 applies to nothing", () => {
    const node = createFakeNode(1);
    const app = createApp(OFF, { clients: node.clients });
    const cache = createJsonCache({ blockBytes: 0, historyBytes: 0 }, { table: app.table, codec: defaultJsonCodec() });
    for (const m of app.table.methods) expect(cache.applies(m)).toBe(false);
  });
});
