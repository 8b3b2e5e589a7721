/** JSON-RPC calls through `createApp` with in-process fake services: codec, errors, access, limits. */
import { describe, expect, test } from "bun:test";
import { CairnError, ErrorStatus, toBase58, toHex } from "@cairn/core";
import { chain, protocol, token } from "@cairn/proto";
import { decodeNonce } from "@cairn/protocol";
import { createApp } from "../app.ts";
import { ALICE, createFakeNode, KOIN } from "../testing/fake-node.ts";
import { call, post } from "../testing/http.ts";
import { TRANSFER_TX } from "../testing/vectors.ts";

describe("results (Koinos JSON)", () => {
  const node = createFakeNode(3);
  const app = createApp({}, { clients: node.clients });

  test("get_head_info: 64-bit as strings, block ids as 0x hex, other bytes as padded base64url", async () => {
    const { json } = await post(app, call("chain.get_head_info", {}));
    const head = node.head!.block;
    expect(json.result).toEqual({
      head_topology: { id: `0x${toHex(head.id)}`, height: "3", previous: `0x${toHex(head.header!.previous)}` },
      head_state_merkle_root: expect.stringMatching(/^[A-Za-z0-9_-]+=*$/),
      head_block_time: String(head.header!.timestamp),
    });
    expect(json.result.last_irreversible_block).toBeUndefined(); // 0 → omitted
  });

  test("an all-default response is {} (get_account_rc with rc 0), never null", async () => {
    const { raw } = await post(app, call("chain.get_account_rc", { account: ALICE }));
    expect(raw).toBe('{"jsonrpc":"2.0","result":{},"id":1}');
  });

  test("get_account_nonce of a fresh account: KAA= (value_type uint64 0)", async () => {
    const { json } = await post(app, call("chain.get_account_nonce", { account: ALICE }));
    expect(json.result).toEqual({ nonce: "KAA=" });
  });

  test("read_contract with koilib's exact params (protocol §8.6) decodes and answers base64url", async () => {
    node.controls.balances.set(ALICE, 123_456_789n);
    const params = { contract_id: KOIN, entry_point: 1550980247, args: "ChkApwBiv05TFmne03A3-i03fe-5mIg8WhE4" };
    const { json } = await post(app, call("chain.read_contract", params));
    expect(token.Uint64Result.decode(Buffer.from(json.result.result, "base64url")).value).toBe(123_456_789n);
    const seen = node.controls.calls.findLast((c) => c.method === "readContract")!.request as chain.ReadContractRequest;
    expect(toBase58(seen.contract_id)).toBe(KOIN);
    expect(seen.entry_point).toBe(0x5c721497);
  });

  test("params in lowerCamelCase are accepted too", async () => {
    const { json } = await post(app, call("chain.read_contract", { contractId: KOIN, entryPoint: 1550980247, args: "ChkApwBiv05TFmne03A3-i03fe-5mIg8WhE4" }));
    expect(json.result.result).toBeDefined();
  });

  test("get_blocks_by_height with koilib's params (numbers, 0x head id)", async () => {
    const headId = `0x${toHex(node.head!.block.id)}`;
    const { json } = await post(app, call("block_store.get_blocks_by_height", { head_block_id: headId, ancestor_start_height: 2, num_blocks: 2, return_block: true, return_receipt: false }));
    expect(json.result.block_items.map((i: { block_height: string }) => i.block_height)).toEqual(["2", "3"]);
    expect(json.result.block_items[1].block_id).toBe(headId);
    expect(json.result.block_items[1].block.header.height).toBe("3");
    expect(json.result.block_items[1].receipt).toBeUndefined();
  });

  test("submit_transaction: the §8.3 transaction reaches the chain decoded, the receipt comes back", async () => {
    const { json } = await post(app, call("chain.submit_transaction", { transaction: TRANSFER_TX, broadcast: true }));
    expect(json.result.receipt).toEqual({ id: TRANSFER_TX.id, payer: ALICE, rc_limit: "500000000", rc_used: "1234" });
    const seen = node.controls.calls.findLast((c) => c.method === "submitTransaction")!.request as chain.SubmitTransactionRequest;
    expect(seen.broadcast).toBe(true);
    expect(`0x${toHex(seen.transaction!.id)}`).toBe(TRANSFER_TX.id);
    expect(toBase58(seen.transaction!.header!.payer)).toBe(ALICE);
    expect(decodeNonce(seen.transaction!.header!.nonce)).toBe(1n);
    expect(seen.transaction!.header!.rc_limit).toBe(500_000_000n);
    expect(seen.transaction!.operations[0]!.call_contract!.entry_point).toBe(670398154);
    expect(protocol.Transaction.encode(seen.transaction!).finish().length).toBeGreaterThan(100);
  });
});

describe("service errors pass through as Koinos sends them", () => {
  test("a chain error: -32603, its message, data = the Koinos JSON text", async () => {
    const node = createFakeNode(1);
    node.controls.submitError = new CairnError("chain.reversion", "cannot transfer to self", { status: ErrorStatus.Aborted, chainCode: 1, data: { logs: [] } });
    const app = createApp({}, { clients: node.clients });
    const { raw, json } = await post(app, call("chain.submit_transaction", { transaction: TRANSFER_TX, broadcast: true }, 42));
    expect(json).toEqual({ jsonrpc: "2.0", error: { code: -32603, message: "cannot transfer to self", data: '{"code":1,"logs":[]}' }, id: 42 });
    expect(raw).toContain('"data":"{\\"code\\":1,\\"logs\\":[]}"');
  });

  test("a chain error with extra context keeps it after the code", async () => {
    const node = createFakeNode(1);
    node.controls.submitError = new CairnError("chain.invalid_nonce", "invalid transaction nonce", { status: ErrorStatus.FailedPrecondition, chainCode: -201, data: { logs: ["x"], transaction_id: "0x12" } });
    const app = createApp({}, { clients: node.clients });
    const { json } = await post(app, call("chain.submit_transaction", { transaction: TRANSFER_TX }));
    expect(json.error).toEqual({ code: -32603, message: "invalid transaction nonce", data: '{"code":-201,"logs":["x"],"transaction_id":"0x12"}' });
  });

  test("a non-chain service error: message only, no data key", async () => {
    const app = createApp({}, { clients: createFakeNode(1).clients });
    const { json } = await post(app, call("block_store.get_blocks_by_height", { head_block_id: "0x1220ff", ancestor_start_height: 1, num_blocks: 1 }));
    expect(json.error).toEqual({ code: -32603, message: "Block not present - ID: 0x1220ff" });
    expect("data" in json.error).toBe(false);
  });

  test("a service that cannot be reached → -32603 internal error, not the deadline text", async () => {
    const unavailable = new CairnError("rpc.unavailable", "cairn.chain.v1.ChainService/GetChainId unavailable at chain:50051: No connection established", { status: ErrorStatus.Unavailable });
    const app = createApp({}, { clients: { [chain.ChainServiceDefinition.fullName]: { getChainId: async () => { throw unavailable; } } } });
    const { json } = await post(app, call("chain.get_chain_id", {}));
    expect(json.error).toEqual({ code: -32603, message: "An internal server error has occurred", data: "rpc failed, service unavailable" });
  });

  test("a bug (non-Cairn throw) → -32603 generic message, nothing leaked", async () => {
    const app = createApp({}, { clients: { [chain.ChainServiceDefinition.fullName]: { getChainId: async () => { throw new TypeError("secret internals"); } } } });
    const { json } = await post(app, call("chain.get_chain_id", {}));
    expect(json.error).toEqual({ code: -32603, message: "An internal server error has occurred" });
  });
});

describe("timeouts", () => {
  test("a service slower than the timeout → Koinos's deadline error", async () => {
    const node = createFakeNode(1);
    node.controls.delayMs = 300;
    const app = createApp({ jsonRpc: { timeoutMs: 50 } }, { clients: node.clients });
    const started = performance.now();
    const { res, json } = await post(app, call("chain.get_chain_id", {}, 3));
    expect(performance.now() - started).toBeLessThan(250);
    expect(res.status).toBe(200);
    expect(json).toEqual({ jsonrpc: "2.0", error: { code: -32603, message: "An internal server error has occurred", data: "rpc failed, context deadline exceeded" }, id: 3 });
  });

  test("a client's own deadline error maps to the same answer", async () => {
    const late = new CairnError("rpc.deadline_exceeded", "deadline of 5000 ms exceeded calling x at y", { status: ErrorStatus.DeadlineExceeded });
    const app = createApp({}, { clients: { [chain.ChainServiceDefinition.fullName]: { getChainId: async () => { throw late; } } } });
    expect((await post(app, call("chain.get_chain_id"))).json.error.data).toBe("rpc failed, context deadline exceeded");
  });
});

describe("allow and deny lists", () => {
  const translate = (data: string) => ({ code: -32601, message: "Unable to translate request", data });

  test("by default block_store.add_block and every block_producer method are blacklisted", async () => {
    const node = createFakeNode(1);
    const app = createApp({}, { clients: node.clients });
    for (const method of ["block_store.add_block", "koinos.rpc.block_store.add_block", "block_producer.produce_block", "block_producer.set_production_mode"]) {
      expect((await post(app, call(method, {}))).json.error).toEqual(translate("method blacklisted"));
    }
    expect(node.controls.calls.some((c) => c.method === "addBlock" || c.method === "produceBlock")).toBe(false);
  });

  test("the admin can expose them by replacing the deny list", async () => {
    const node = createFakeNode(1);
    const app = createApp({ jsonRpc: { deny: [] } }, { clients: node.clients });
    expect((await post(app, call("block_store.add_block", {}))).json.result).toEqual({});
    expect((await post(app, call("block_producer.produce_block", {}))).json.result).toEqual({ height: "1" });
    expect((await post(app, call("dev.snapshot", {}))).json.result).toEqual({ id: "1" });
  });

  test("a production gateway denies dev.* by default, even with a dev service behind it", async () => {
    const node = createFakeNode(1);
    const app = createApp({}, { clients: node.clients });
    for (const method of ["dev.snapshot", "koinos.rpc.dev.snapshot", "dev.revert", "dev.set_balance", "dev.reset", "dev.get_status"]) {
      expect((await post(app, call(method, {}))).json.error).toEqual(translate("method blacklisted"));
    }
    expect(node.controls.calls.some((c) => c.method === "snapshot")).toBe(false);
    expect(app.table.reachable.some((m) => m.service.jsonRpcService === "dev")).toBe(false);
    // Nor are they listed in the OpenAPI document, nor served by REST.
    const doc = await (await app.request("/openapi.json")).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).some((p) => p.startsWith("/v1/rpc/dev/"))).toBe(false);
  });

  test("a non-empty allow list refuses everything else ('method not whitelisted'), checked before the deny list", async () => {
    const app = createApp({ jsonRpc: { allow: ["chain.", "koinos.rpc.block_store.get_"] } }, { clients: createFakeNode(1).clients });
    expect((await post(app, call("chain.get_chain_id"))).json.result).toBeDefined();
    expect((await post(app, call("block_store.get_highest_block"))).json.result).toBeDefined();
    expect((await post(app, call("transaction_store.get_transactions_by_id", {}))).json.error).toEqual(translate("method not whitelisted"));
    expect((await post(app, call("block_store.add_block", {}))).json.error).toEqual(translate("method not whitelisted"));
  });

  test("deny rules are prefixes", async () => {
    const app = createApp({ jsonRpc: { deny: ["chain.submit"] } }, { clients: createFakeNode(1).clients });
    expect((await post(app, call("chain.submit_transaction", {}))).json.error).toEqual(translate("method blacklisted"));
    expect((await post(app, call("chain.submit_block", {}))).json.error).toEqual(translate("method blacklisted"));
  });

  test("a service without a client is not served: invalid service name", async () => {
    const node = createFakeNode(1);
    const { [chain.ChainServiceDefinition.fullName]: chainClient } = node.clients;
    const app = createApp({}, { clients: { [chain.ChainServiceDefinition.fullName]: chainClient! } });
    expect((await post(app, call("account_history.get_account_history", {}))).json.error).toEqual(translate("invalid service name provided"));
  });
});

describe("batches", () => {
  const node = createFakeNode(2);
  const app = createApp({ jsonRpc: { maxBatchSize: 3 } }, { clients: node.clients });

  test("answers every call in order, errors included", async () => {
    const { res, json } = await post(app, [call("chain.get_chain_id", {}, "a"), call("nope", {}, "b"), { id: "c", method: "chain.get_head_info" }]);
    expect(res.status).toBe(200);
    expect(json).toHaveLength(3);
    expect(json[0].id).toBe("a");
    expect(json[0].result.chain_id).toBeDefined();
    expect(json[1]).toEqual({ jsonrpc: "2.0", error: { code: -32601, message: "Unable to translate request", data: "methods should be in the format service_name.method_name" }, id: "b" });
    expect(json[2].error.code).toBe(-32600);
  });

  test("a non-object element gets its own -32700", async () => {
    const { json } = await post(app, [1, call("chain.get_chain_id")]);
    expect(json[0].error).toEqual({ code: -32700, message: "Unable to parse request", data: "json: cannot unmarshal number into Go value of type jsonrpc.RPCRequest" });
    expect(json[1].result).toBeDefined();
  });

  test("over the limit → one -32600 error object, HTTP 200", async () => {
    const { res, json } = await post(app, [call("chain.get_chain_id"), call("chain.get_chain_id"), call("chain.get_chain_id"), call("chain.get_chain_id")]);
    expect(res.status).toBe(200);
    expect(json).toEqual({ jsonrpc: "2.0", error: { code: -32600, message: "Invalid request", data: "batch of 4 calls exceeds the limit of 3" }, id: null });
  });

  test("an empty batch → one -32600 error object", async () => {
    expect((await post(app, [])).json).toEqual({ jsonrpc: "2.0", error: { code: -32600, message: "Invalid request", data: "empty batch: a batch request must contain at least one call" }, id: null });
  });
});

describe("body size limit", () => {
  const app = createApp({ jsonRpc: { maxBodyBytes: 200 } }, { clients: createFakeNode(1).clients });
  const big = JSON.stringify(call("chain.get_chain_id", { pad: "x".repeat(300) }));
  const tooLarge = { jsonrpc: "2.0", error: { code: -32602, message: "Request exceeds maximum message size", data: "request body exceeds 200 bytes" }, id: null };

  test("refused on Content-Length before reading", async () => {
    const { res, json } = await post(app, big, { headers: { "Content-Length": String(big.length) } });
    expect(res.status).toBe(200);
    expect(json).toEqual(tooLarge);
  });

  test("refused while streaming a body without Content-Length", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(big.slice(i * 40, (i + 1) * 40)));
        controller.close();
      },
    });
    const res = await app.request("/", { method: "POST", body: stream });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(tooLarge);
  });

  test("a body under the limit is served", async () => {
    expect((await post(app, call("chain.get_chain_id", {}))).json.result).toBeDefined();
  });
});

describe("rate limit", () => {
  test("off by default", async () => {
    const app = createApp({}, { clients: createFakeNode(1).clients });
    for (let i = 0; i < 150; i++) expect((await post(app, call("chain.get_chain_id"))).json.result).toBeDefined();
  });

  test("per client: past the burst → -32005 rate limited (HTTP 200); other clients unaffected", async () => {
    const app = createApp({ rateLimit: { enabled: true, burst: 3, requestsPerSecond: 0.01, clientIpHeader: "x-forwarded-for" } }, { clients: createFakeNode(1).clients });
    const from = (ip: string) => ({ headers: { "x-forwarded-for": `${ip}, 10.0.0.1` } });
    for (let i = 0; i < 3; i++) expect((await post(app, call("chain.get_chain_id"), from("1.1.1.1"))).json.result).toBeDefined();
    const { res, json } = await post(app, call("chain.get_chain_id"), from("1.1.1.1"));
    expect(res.status).toBe(200);
    expect(json.error.code).toBe(-32005);
    expect(json.error.message).toBe("rate limited");
    expect(json.error.data).toMatch(/^too many requests from this client; retry in \d+ s$/);
    expect((await post(app, call("chain.get_chain_id"), from("2.2.2.2"))).json.result).toBeDefined();
  });

  test("a batch costs one token per call", async () => {
    const app = createApp({ rateLimit: { enabled: true, burst: 4, requestsPerSecond: 0.01 } }, { clients: createFakeNode(1).clients });
    expect((await post(app, [call("chain.get_chain_id"), call("chain.get_chain_id"), call("chain.get_chain_id")])).json).toHaveLength(3);
    expect((await post(app, [call("chain.get_chain_id"), call("chain.get_chain_id")])).json.error.code).toBe(-32005);
  });
});

describe("coalescing", () => {
  test("identical concurrent head-info calls share one service call", async () => {
    const node = createFakeNode(1);
    node.controls.delayMs = 30;
    const app = createApp({}, { clients: node.clients });
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => post(app, call("chain.get_head_info", {}, i))));
    expect(answers.map((a) => a.json.id)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(answers.map((a) => JSON.stringify(a.json.result))).size).toBe(1);
    expect(node.controls.calls.filter((c) => c.method === "getHeadInfo")).toHaveLength(1);
    await post(app, call("chain.get_head_info", {}));
    expect(node.controls.calls.filter((c) => c.method === "getHeadInfo")).toHaveLength(2);
  });

  test("methods not listed are never coalesced", async () => {
    const node = createFakeNode(1);
    node.controls.delayMs = 20;
    const app = createApp({}, { clients: node.clients });
    await Promise.all([1, 2, 3].map(() => post(app, call("chain.submit_transaction", { transaction: TRANSFER_TX }))));
    expect(node.controls.calls.filter((c) => c.method === "submitTransaction")).toHaveLength(3);
  });
});
