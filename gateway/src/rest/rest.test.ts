/** REST routes under /v1/ and the OpenAPI document, through `createApp`. */
import { describe, expect, test } from "bun:test";
import { CairnError, ErrorStatus, fromBase58, toBase58, toHex } from "@cairn/core";
import { account_history, chain, protocol, token } from "@cairn/proto";
import { createApp } from "../app.ts";
import { ALICE, createFakeNode, fakeId, KOIN } from "../testing/fake-node.ts";
import { call, get, post } from "../testing/http.ts";
import { TRANSFER_TX } from "../testing/vectors.ts";

const BOB = "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH";

function setup(options = {}) {
  const node = createFakeNode(4);
  const app = createApp(options, { clients: node.clients });
  return { node, app };
}

async function postJson(app: ReturnType<typeof createApp>, path: string, body: string) {
  const res = await app.request(path, { method: "POST", body });
  return { res, json: (await res.json()) as any };
}

const lastRequest = <T>(node: ReturnType<typeof createFakeNode>, method: string) => node.controls.calls.findLast((c) => c.method === method)!.request as T;

describe("head and chain id", () => {
  test("GET /v1/head = chain.get_head_info's result, with CORS", async () => {
    const { app } = setup();
    const { res, json } = await get(app, "/v1/head");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, POST, OPTIONS");
    expect(json).toEqual((await post(app, call("chain.get_head_info", {}))).json.result);
  });

  test("GET /v1/chain-id", async () => {
    expect((await get(setup().app, "/v1/chain-id")).json).toEqual({ chain_id: "EiBZK_GGVP0H_fXVAM3j6EAuz3-B-l3ejxRSewi7qIBfSA==" });
  });
});

describe("blocks", () => {
  test("GET /v1/blocks/:height — on the current head's chain, block and receipt by default", async () => {
    const { node, app } = setup();
    const { res, json } = await get(app, "/v1/blocks/2");
    expect(res.status).toBe(200);
    expect(json.block_id).toBe(`0x${toHex(node.blockAt(2)!.block.id)}`);
    expect(json.block_height).toBe("2");
    expect(json.block.header.height).toBe("2");
    expect(json.receipt.height).toBe("2");
    const lean = (await get(app, "/v1/blocks/2?block=false&receipt=false")).json;
    expect(lean).toEqual({ block_id: json.block_id, block_height: "2" });
  });

  test("GET /v1/blocks/:height past the head → 404; bad heights and flags → 400", async () => {
    const { app } = setup();
    const missing = await get(app, "/v1/blocks/99");
    expect(missing.res.status).toBe(404);
    expect(missing.json.error.code).toBe("gateway.not_found");
    for (const path of ["/v1/blocks/0", "/v1/blocks/abc", "/v1/blocks/1?block=maybe"]) {
      const r = await get(app, path);
      expect(r.res.status).toBe(400);
      expect(r.json.error.code).toBe("gateway.bad_request");
    }
  });

  test("GET /v1/blocks?from=&count= — ascending range", async () => {
    const { app } = setup();
    const { json } = await get(app, "/v1/blocks?from=2&count=3&block=false&receipt=false");
    expect(json.block_items.map((i: { block_height: string }) => i.block_height)).toEqual(["2", "3", "4"]);
    expect((await get(app, "/v1/blocks?from=3&count=10")).json.block_items).toHaveLength(2);
    expect((await get(app, "/v1/blocks?from=50")).json).toEqual({ block_items: [] });
    expect((await get(app, "/v1/blocks?from=1&count=101")).res.status).toBe(400);
    expect((await get(app, "/v1/blocks")).res.status).toBe(400);
  });

  test("GET /v1/blocks/id/:id", async () => {
    const { node, app } = setup();
    const id = `0x${toHex(node.blockAt(3)!.block.id)}`;
    const { json } = await get(app, `/v1/blocks/id/${id}`);
    expect(json.block_id).toBe(id);
    expect(json.block_height).toBe("3");
    const missing = await get(app, `/v1/blocks/id/0x${toHex(fakeId("nope"))}`);
    expect(missing.res.status).toBe(404);
    expect((await get(app, "/v1/blocks/id/not-hex")).res.status).toBe(400);
  });
});

describe("transactions", () => {
  test("GET /v1/transactions/:id — the transaction and the blocks containing it", async () => {
    const node = createFakeNode(1);
    const tx = protocol.Transaction.fromPartial({ id: fakeId("tx"), header: { payer: fromBase58(ALICE), rc_limit: 10n } });
    const block = node.addBlock(undefined, true, [tx]);
    const app = createApp({}, { clients: node.clients });
    const { json } = await get(app, `/v1/transactions/0x${toHex(tx.id)}`);
    expect(json.transaction.id).toBe(`0x${toHex(tx.id)}`);
    expect(json.transaction.header).toEqual({ rc_limit: "10", payer: ALICE });
    expect(json.containing_blocks).toEqual([`0x${toHex(block.block.id)}`]);
    expect((await get(app, `/v1/transactions/0x${toHex(fakeId("other"))}`)).res.status).toBe(404);
  });

  test("POST /v1/transactions submits (broadcast by default) and answers the receipt", async () => {
    const { node, app } = setup();
    const { res, json } = await postJson(app, "/v1/transactions", JSON.stringify(TRANSFER_TX));
    expect(res.status).toBe(200);
    expect(json.receipt.id).toBe(TRANSFER_TX.id);
    expect(lastRequest<chain.SubmitTransactionRequest>(node, "submitTransaction").broadcast).toBe(true);
  });

  test("POST /v1/transactions?broadcast=false is a dry run", async () => {
    const { node, app } = setup();
    await postJson(app, "/v1/transactions?broadcast=false", JSON.stringify(TRANSFER_TX));
    expect(lastRequest<chain.SubmitTransactionRequest>(node, "submitTransaction").broadcast).toBe(false);
  });

  test("POST /v1/transactions: a chain error keeps its code, message and Koinos data; HTTP status from its gRPC status", async () => {
    const { node, app } = setup();
    node.controls.submitError = new CairnError("chain.reversion", "cannot transfer to self", { status: ErrorStatus.Aborted, chainCode: 1, data: { logs: [] } });
    const { res, json } = await postJson(app, "/v1/transactions", JSON.stringify(TRANSFER_TX));
    expect(res.status).toBe(409);
    expect(json).toEqual({ error: { code: "chain.reversion", message: "cannot transfer to self", data: { code: 1, logs: [] } } });
  });

  test("POST /v1/transactions: bad JSON → 400, undecodable transaction → 400, too large → 413", async () => {
    const { app } = setup({ jsonRpc: { maxBodyBytes: 1000 } });
    expect((await postJson(app, "/v1/transactions", "{nope")).res.status).toBe(400);
    const bad = await postJson(app, "/v1/transactions", JSON.stringify({ header: { payer: "0OIl" } }));
    expect(bad.res.status).toBe(400);
    expect(bad.json.error.message).toContain("payer");
    const big = await postJson(app, "/v1/transactions", JSON.stringify({ ...TRANSFER_TX, pad: "x".repeat(2000) }));
    expect(big.res.status).toBe(413);
    expect(big.json.error.code).toBe("gateway.body_too_large");
  });
});

describe("accounts", () => {
  test("nonce: Koinos bytes plus the decoded value", async () => {
    const { node, app } = setup();
    expect((await get(app, `/v1/accounts/${ALICE}/nonce`)).json).toEqual({ nonce: "KAA=", value: "0" });
    node.controls.nonces.set(ALICE, 7n);
    expect((await get(app, `/v1/accounts/${ALICE}/nonce`)).json).toEqual({ nonce: "KAc=", value: "7" });
    expect((await get(app, "/v1/accounts/0OIl/nonce")).res.status).toBe(400);
  });

  test("rc: written out even when 0", async () => {
    const { node, app } = setup();
    expect((await get(app, `/v1/accounts/${ALICE}/rc`)).json).toEqual({ rc: "0" });
    node.controls.rc.set(ALICE, 5_000_000n);
    expect((await get(app, `/v1/accounts/${ALICE}/rc`)).json).toEqual({ rc: "5000000" });
  });

  test("balance: KOIN balance_of through chain.read_contract", async () => {
    const { node, app } = setup();
    node.controls.balances.set(BOB, 42n);
    expect((await get(app, `/v1/accounts/${BOB}/balance`)).json).toEqual({ value: "42" });
    const seen = lastRequest<chain.ReadContractRequest>(node, "readContract");
    expect(toBase58(seen.contract_id)).toBe(KOIN);
    expect(seen.entry_point).toBe(0x5c721497);
    expect(toBase58(token.BalanceOfArguments.decode(seen.args).owner)).toBe(BOB);
    expect((await get(app, `/v1/accounts/${ALICE}/balance`)).json).toEqual({ value: "0" });
  });

  test("balance: the KOIN contract is configurable", async () => {
    const { node, app } = setup({ rest: { koinContractId: BOB } });
    const r = await get(app, `/v1/accounts/${ALICE}/balance`);
    expect(r.res.status).toBe(409); // the fake only knows mainnet KOIN: its reversion comes back
    expect(toBase58(lastRequest<chain.ReadContractRequest>(node, "readContract").contract_id)).toBe(BOB);
  });

  test("history: account_history with query params, limit defaulted", async () => {
    const { node, app } = setup();
    const { json } = await get(app, `/v1/accounts/${ALICE}/history`);
    expect(json.values).toHaveLength(4);
    expect(lastRequest<account_history.GetAccountHistoryRequest>(node, "getAccountHistory").limit).toBe(20n);
    await get(app, `/v1/accounts/${ALICE}/history?limit=2&ascending=true&seq_num=5`);
    const seen = lastRequest<account_history.GetAccountHistoryRequest>(node, "getAccountHistory");
    expect(seen).toMatchObject({ limit: 2n, ascending: true, seq_num: 5n, irreversible: false });
    expect(toBase58(seen.address)).toBe(ALICE);
  });

  test("a route whose service is not configured → 503", async () => {
    const node = createFakeNode(1);
    const app = createApp({}, { clients: { [chain.ChainServiceDefinition.fullName]: node.clients[chain.ChainServiceDefinition.fullName]! } });
    const r = await get(app, `/v1/accounts/${ALICE}/history`);
    expect(r.res.status).toBe(503);
    expect(r.json.error.code).toBe("gateway.service_not_configured");
  });
});

describe("generic POST /v1/rpc/<service>/<method>", () => {
  test("params in the body, result out", async () => {
    const { app } = setup();
    const a = await postJson(app, "/v1/rpc/chain/get_account_nonce", JSON.stringify({ account: ALICE }));
    expect(a.json).toEqual({ nonce: "KAA=" });
    const b = await postJson(app, "/v1/rpc/chain/get_head_info", "");
    expect(b.json.head_topology.height).toBe("4");
  });

  test("denied → 403, unknown → 404, bad params → 400, not an object → 400", async () => {
    const { app } = setup();
    expect((await postJson(app, "/v1/rpc/block_store/add_block", "{}")).res.status).toBe(403);
    expect((await postJson(app, "/v1/rpc/foo/bar", "{}")).res.status).toBe(404);
    expect((await postJson(app, "/v1/rpc/chain/get_account_nonce", JSON.stringify({ account: "0OIl" }))).res.status).toBe(400);
    expect((await postJson(app, "/v1/rpc/chain/get_account_nonce", "[1]")).res.status).toBe(400);
  });

  test("timeout → 504", async () => {
    const { node, app } = setup({ jsonRpc: { timeoutMs: 30 } });
    node.controls.delayMs = 200;
    const r = await postJson(app, "/v1/rpc/chain/get_chain_id", "{}");
    expect(r.res.status).toBe(504);
    expect(r.json.error.code).toBe("gateway.timeout");
  });
});

describe("REST errors and limits", () => {
  test("an unknown /v1/ route → 404 JSON", async () => {
    const r = await get(setup().app, "/v1/nope");
    expect(r.res.status).toBe(404);
    expect(r.json.error.code).toBe("gateway.not_found");
  });

  test("rate limit → 429 with Retry-After", async () => {
    const { app } = setup({ rateLimit: { enabled: true, burst: 2, requestsPerSecond: 0.5 } });
    expect((await get(app, "/v1/head")).res.status).toBe(200);
    expect((await get(app, "/v1/chain-id")).res.status).toBe(200);
    const r = await get(app, "/v1/head");
    expect(r.res.status).toBe(429);
    expect(r.res.headers.get("retry-after")).toBe("2");
    expect(r.json.error.code).toBe("gateway.rate_limited");
  });

  test("OPTIONS on a REST path → 204 allowing GET", async () => {
    const res = await setup().app.request("/v1/head", { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, POST, OPTIONS");
  });
});

describe("GET /openapi.json", () => {
  test("an OpenAPI 3.1 document listing every reachable JSON-RPC method, with resolvable schemas", async () => {
    const { app } = setup();
    const doc = (await get(app, "/openapi.json")).json;
    expect(doc.openapi).toBe("3.1.0");
    const reachable = app.table.reachable.map((m) => m.name).sort();
    expect(Object.keys(doc["x-jsonrpc-methods"]).sort()).toEqual(reachable);
    expect(reachable).toContain("chain.get_head_info");
    expect(reachable).not.toContain("block_store.add_block");
    for (const m of app.table.reachable) {
      const op = doc.paths[`/v1/rpc/${m.service.jsonRpcService}/${m.info.jsonRpcName}`].post;
      expect(op.operationId).toBe(m.name);
    }
    expect(doc.paths["/"].post.requestBody).toBeDefined();
    for (const p of ["/v1/head", "/v1/blocks/{height}", "/v1/blocks", "/v1/blocks/id/{id}", "/v1/transactions/{id}", "/v1/transactions", "/v1/accounts/{address}/nonce", "/v1/accounts/{address}/rc", "/v1/accounts/{address}/balance", "/v1/accounts/{address}/history"]) {
      expect(doc.paths[p]).toBeDefined();
    }
    const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\/[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(50);
    for (const r of refs) expect(doc.components.schemas[r.slice(29, -1)]).toBeDefined();
    expect(doc.components.schemas["cairn.chain.v1.GetHeadInfoResponse"].properties.head_block_time.type).toBe("string");
  });

  test("every operation has a unique operationId, servers is set, and gateway statuses are declared", async () => {
    const doc = (await get(setup().app, "/openapi.json")).json;
    expect(doc.servers).toEqual([{ url: "/", description: expect.any(String) }]);
    const ids: string[] = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { operationId?: string; responses: Record<string, unknown> }>>)) {
      for (const [verb, op] of Object.entries(item)) {
        expect(`${verb} ${path}: ${typeof op.operationId}`).toBe(`${verb} ${path}: string`);
        ids.push(op.operationId!);
        if (path.startsWith("/v1/")) for (const status of ["400", "403", "404", "409", "429", "500", "501", "503", "504"]) expect(op.responses[status]).toBeDefined();
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths["/v1/transactions"].post.responses["413"]).toBeDefined();
    expect(doc.paths["/v1/rpc/chain/get_head_info"].post.responses["413"]).toBeDefined();
    expect(doc.paths["/ws"].get.responses["426"]).toBeDefined();
    expect(doc.paths["/health"].get.responses["503"]).toBeDefined();
  });
});

describe("path validation", () => {
  test("a malformed address is a 400 naming what an address is, before any call", async () => {
    const { node, app } = setup();
    const before = node.controls.calls.length;
    for (const route of ["balance", "nonce", "rc", "history"]) {
      const { res, json } = await get(app, `/v1/accounts/notanaddress/${route}`);
      expect(res.status).toBe(400);
      expect(json.error.code).toBe("gateway.bad_request");
      expect(json.error.message).toContain("address must be a base58 Koinos address");
      expect(json.error.message).toContain("notanaddress");
    }
    // Valid base58 with a wrong checksum is refused too.
    const bad = BOB.slice(0, -1) + (BOB.endsWith("H") ? "J" : "H");
    expect((await get(app, `/v1/accounts/${bad}/balance`)).res.status).toBe(400);
    expect(node.controls.calls.length).toBe(before);
    expect((await get(app, `/v1/accounts/${BOB}/balance`)).res.status).toBe(200);
  });

  test("a malformed block or transaction id is a 400 naming the expected form", async () => {
    const { app } = setup();
    for (const path of ["/v1/blocks/id/0x1234", "/v1/blocks/id/1220" + "ab".repeat(32), "/v1/transactions/0x1220zz", "/v1/transactions/" + "0x1220" + "a".repeat(63)]) {
      const { res, json } = await get(app, path);
      expect(res.status).toBe(400);
      expect(json.error.message).toContain("0x1220 followed by 64 hex digits");
    }
  });
});
