/** JSON-RPC transport and envelope, through `createApp` (protocol §1.1, §1.2, §1.5). */
import { describe, expect, test } from "bun:test";
import { createApp } from "../app.ts";
import { createFakeNode } from "../testing/fake-node.ts";
import { call, post } from "../testing/http.ts";

const node = createFakeNode(3);
const app = createApp({}, { clients: node.clients });

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "Content-Type, Authorization",
};

function expectCors(res: Response) {
  for (const [k, v] of Object.entries(CORS)) expect(res.headers.get(k)).toBe(v);
}

describe("HTTP layer", () => {
  test("text/plain body (koilib) is parsed as JSON; 200 application/json with CORS", async () => {
    const { res, json } = await post(app, call("chain.get_chain_id", {}));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expectCors(res);
    expect(json).toEqual({ jsonrpc: "2.0", result: { chain_id: "EiBZK_GGVP0H_fXVAM3j6EAuz3-B-l3ejxRSewi7qIBfSA==" }, id: 1 });
  });

  test("no Content-Type at all, and any path", async () => {
    const res = await app.request("/some/where?x=1", { method: "POST", body: JSON.stringify(call("chain.get_chain_id")) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: unknown }).result).toBeDefined();
  });

  test("answer keys come in Koinos's order: jsonrpc, result|error, id", async () => {
    const ok = await post(app, call("chain.get_chain_id", {}, 7));
    expect(Object.keys(ok.json)).toEqual(["jsonrpc", "result", "id"]);
    const bad = await post(app, call("nope", {}, 7));
    expect(Object.keys(bad.json)).toEqual(["jsonrpc", "error", "id"]);
    expect(bad.raw).toBe('{"jsonrpc":"2.0","error":{"code":-32601,"message":"Unable to translate request","data":"methods should be in the format service_name.method_name"},"id":7}');
  });

  test("OPTIONS on any path → 204 with CORS and no body", async () => {
    for (const path of ["/", "/anything"]) {
      const res = await app.request(path, { method: "OPTIONS" });
      expect(res.status).toBe(204);
      expectCors(res);
      expect(await res.text()).toBe("");
    }
  });

  test("GET (no body) is a JSON-RPC request too, as on Koinos: -32700", async () => {
    const res = await app.request("/", { method: "GET" });
    expect(res.status).toBe(200);
    expectCors(res);
    expect(await res.json()).toEqual({ jsonrpc: "2.0", error: { code: -32700, message: "Unable to parse request", data: "unexpected end of JSON input" }, id: null });
  });
});

describe("-32700 Unable to parse request (id null)", () => {
  test("not JSON", async () => {
    const { json } = await post(app, "{not json");
    expect(json.error.code).toBe(-32700);
    expect(json.error.message).toBe("Unable to parse request");
    expect(json.error.data).toBe("invalid character 'n' looking for beginning of object key string");
    expect(json.id).toBeNull();
  });

  test("truncated JSON", async () => {
    expect((await post(app, '{"id":1,')).json.error).toEqual({ code: -32700, message: "Unable to parse request", data: "unexpected end of JSON input" });
  });

  test.each([
    ["123", "number"],
    ['"str"', "string"],
    ["true", "bool"],
  ])("a top-level %s gets Go's unmarshal text", async (body, kind) => {
    const { json } = await post(app, body);
    expect(json).toEqual({ jsonrpc: "2.0", error: { code: -32700, message: "Unable to parse request", data: `json: cannot unmarshal ${kind} into Go value of type jsonrpc.RPCRequest` }, id: null });
  });

  test("jsonrpc or method of the wrong type", async () => {
    const a = await post(app, { jsonrpc: 2, id: 1, method: "chain.get_chain_id" });
    expect(a.json.error.data).toBe("json: cannot unmarshal number into Go struct field RPCRequest.jsonrpc of type string");
    expect(a.json.id).toBeNull();
    const b = await post(app, { jsonrpc: "2.0", id: 1, method: { x: 1 } });
    expect(b.json.error).toEqual({ code: -32700, message: "Unable to parse request", data: "json: cannot unmarshal object into Go struct field RPCRequest.method of type string" });
  });
});

describe("-32600 Invalid request", () => {
  const invalid = (data: string) => ({ code: -32600, message: "Invalid request", data });

  test("missing id → id null", async () => {
    expect((await post(app, { jsonrpc: "2.0", method: "chain.get_chain_id" })).json).toEqual({ jsonrpc: "2.0", error: invalid("missing ID"), id: null });
  });

  test("a JSON null body decodes to an empty request → missing id", async () => {
    expect((await post(app, "null")).json.error).toEqual(invalid("missing ID"));
  });

  test("fractional id → id null", async () => {
    expect((await post(app, call("chain.get_chain_id", {}, 1.5))).json).toEqual({ jsonrpc: "2.0", error: invalid("ID must not contain fractional parts"), id: null });
  });

  test.each([[true], [{ a: 1 }], [[1]]])("id %p of an unsupported type → id null", async (id) => {
    expect((await post(app, call("chain.get_chain_id", {}, id))).json).toEqual({ jsonrpc: "2.0", error: invalid("an ID must be a Number (non-fractional), String, or Null"), id: null });
  });

  test("wrong or missing jsonrpc version → the id is echoed", async () => {
    expect((await post(app, { jsonrpc: "1.0", id: "abc", method: "chain.get_chain_id" })).json).toEqual({ jsonrpc: "2.0", error: invalid("invalid or missing JSON RPC version was specified"), id: "abc" });
    expect((await post(app, { id: 5, method: "chain.get_chain_id" })).json).toEqual({ jsonrpc: "2.0", error: invalid("invalid or missing JSON RPC version was specified"), id: 5 });
  });

  test("id checks come before the version check", async () => {
    expect((await post(app, { jsonrpc: "1.0", id: 2.5, method: "x" })).json.error.data).toBe("ID must not contain fractional parts");
  });

  test("ids that are valid: null, strings, integers (echoed)", async () => {
    for (const id of [null, "x-1", 0, -3, 1000]) {
      const { json } = await post(app, call("chain.get_chain_id", {}, id));
      expect(json.result).toBeDefined();
      expect(json.id).toEqual(id);
    }
  });

  test("keys match case-insensitively, as Go's decoder does", async () => {
    const { json } = await post(app, { JSONRPC: "2.0", Id: 9, METHOD: "chain.get_chain_id", Params: {} });
    expect(json.result.chain_id).toBeDefined();
    expect(json.id).toBe(9);
  });
});

describe("-32601 Unable to translate request", () => {
  const translate = (data: string) => ({ code: -32601, message: "Unable to translate request", data });

  test.each([
    ["chain", "methods should be in the format service_name.method_name"],
    ["", "methods should be in the format service_name.method_name"],
    ["foo.bar", "invalid service name provided"],
    ["rpc.chain.get_head_info", "invalid service name provided"],
    ["a.b.chain.get_head_info", "invalid service name provided"],
    ["chain.nope", "unknown method"],
    ["koinos.rpc.chain.nope", "unknown method"],
    ["koinos.rpc.chain.get_head_info.extra", "unknown method"],
    ["Chain.get_head_info", "invalid service name provided"],
  ])("method %p → %s", async (method, data) => {
    expect((await post(app, call(method, {}, 4))).json).toEqual({ jsonrpc: "2.0", error: translate(data), id: 4 });
  });

  test("params that do not decode", async () => {
    for (const params of [{ account: "0OIl" }, [1, 2], null, "x", { account: 5 }]) {
      expect((await post(app, call("chain.get_account_nonce", params))).json.error).toEqual(translate("parameters could not be parsed"));
    }
  });

  test("params absent → the empty request", async () => {
    expect((await post(app, call("chain.get_head_info"))).json.result.head_topology.height).toBe("3");
  });

  test("unknown params keys are ignored", async () => {
    expect((await post(app, call("chain.get_chain_id", { whatever: 1 }))).json.result.chain_id).toBeDefined();
  });
});

describe("koinos.rpc.* names", () => {
  test("koinos.rpc.<service>.<method> is the same method", async () => {
    const a = await post(app, call("chain.get_head_info", {}));
    const b = await post(app, call("koinos.rpc.chain.get_head_info", {}));
    expect(b.json.result).toEqual(a.json.result);
  });
});
