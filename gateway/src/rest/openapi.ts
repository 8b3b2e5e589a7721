/**
 * `GET /openapi.json`: an OpenAPI 3.1 document generated from the method table — JSON-RPC on `/`
 * (every reachable method listed under `x-jsonrpc-methods` with its params and result schemas),
 * one `POST /v1/rpc/<service>/<method>` per method, and the fixed REST routes. Schemas come from
 * the codec's `toJsonSchema`, so they describe Koinos JSON exactly (64-bit as strings, bytes per
 * option).
 */
import type { JsonCodec, JsonSchema } from "@cairn/protocol";
import type { MethodTable } from "../table/method-table.ts";

const REF = "#/components/schemas/";
const ref = (name: string) => ({ $ref: REF + name });

type Operation = Record<string, unknown>;

function jsonContent(schema: unknown) {
  return { content: { "application/json": { schema } } };
}

const errorResponses = {
  "400": { description: "Bad request (params do not decode, bad path or query)", ...jsonContent(ref("RestError")) },
  "403": { description: "Method denied by the gateway's allow/deny lists", ...jsonContent(ref("RestError")) },
  "404": { description: "Not found", ...jsonContent(ref("RestError")) },
  "429": { description: "Rate limited", ...jsonContent(ref("RestError")) },
  "500": { description: "Service error (chain errors carry data {code, logs})", ...jsonContent(ref("RestError")) },
  "504": { description: "The service did not answer in time", ...jsonContent(ref("RestError")) },
};

function pathParam(name: string, description: string) {
  return { name, in: "path", required: true, schema: { type: "string" }, description };
}

function queryParam(name: string, description: string, schema: unknown = { type: "string" }) {
  return { name, in: "query", required: false, schema, description };
}

function get(summary: string, schema: unknown, parameters: unknown[] = []): Operation {
  return { get: { summary, parameters, responses: { "200": { description: "OK", ...jsonContent(schema) }, ...errorResponses } } };
}

const blockFlags = [queryParam("block", "Include the block (default true)", { type: "boolean" }), queryParam("receipt", "Include the receipt (default true)", { type: "boolean" })];

/** Builds the document (call once; it does not change while the gateway runs). */
export function buildOpenApi(table: MethodTable, codec: JsonCodec): Record<string, unknown> {
  const schemas: Record<string, JsonSchema> = {};
  const addType = (typeName: string) => {
    if (typeName in schemas) return;
    const { $defs, ...root } = codec.toJsonSchema(typeName, { refPrefix: REF }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    schemas[typeName] = root;
    for (const [name, s] of Object.entries($defs ?? {})) schemas[name] ??= s;
  };

  const paths: Record<string, Operation> = {};
  const jsonRpcMethods: Record<string, unknown> = {};
  for (const m of table.reachable) {
    addType(m.info.inputType);
    addType(m.info.outputType);
    jsonRpcMethods[m.name] = { description: m.info.description, params: ref(m.info.inputType), result: ref(m.info.outputType) };
    paths[`/v1/rpc/${m.service.jsonRpcService}/${m.info.jsonRpcName}`] = {
      post: {
        operationId: m.name,
        tags: [m.service.jsonRpcService],
        summary: m.info.description || m.name,
        description: `REST form of JSON-RPC \`${m.name}\` (also \`${m.qualifiedName}\`).`,
        requestBody: { required: false, ...jsonContent(ref(m.info.inputType)) },
        responses: { "200": { description: "The method's result (Koinos JSON)", ...jsonContent(ref(m.info.outputType)) }, ...errorResponses },
      },
    };
  }
  for (const t of ["cairn.block_store.v1.BlockItem", "cairn.transaction_store.v1.TransactionItem", "cairn.account_history.v1.AccountHistoryEntry", "cairn.protocol.v1.Transaction"]) {
    if (codec.hasMessage(t)) addType(t);
  }

  schemas.RestError = {
    type: "object",
    properties: { error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" }, data: {} } } },
  };
  schemas.JsonRpcRequest = {
    type: "object",
    required: ["jsonrpc", "id", "method"],
    properties: {
      jsonrpc: { const: "2.0" },
      id: { type: ["integer", "string", "null"] },
      method: { type: "string", enum: Object.keys(jsonRpcMethods), description: "`<service>.<method>`, or `koinos.rpc.<service>.<method>`" },
      params: { type: "object", description: "The method's params (see x-jsonrpc-methods)" },
    },
  };
  schemas.JsonRpcResponse = {
    type: "object",
    properties: {
      jsonrpc: { const: "2.0" },
      result: { type: "object" },
      error: { type: "object", properties: { code: { type: "integer" }, message: { type: "string" }, data: { type: "string" } } },
      id: { type: ["integer", "string", "null"] },
    },
  };

  paths["/"] = {
    post: {
      operationId: "jsonrpc",
      summary: "Koinos-compatible JSON-RPC 2.0 (any path; batches allowed)",
      description: "Always HTTP 200. The methods, their params and results are listed under x-jsonrpc-methods.",
      requestBody: { required: true, ...jsonContent({ oneOf: [ref("JsonRpcRequest"), { type: "array", items: ref("JsonRpcRequest") }] }) },
      responses: { "200": { description: "JSON-RPC response (or array of them)", ...jsonContent({ oneOf: [ref("JsonRpcResponse"), { type: "array", items: ref("JsonRpcResponse") }] }) } },
    },
  };
  const maybeRef = (t: string) => (t in schemas ? ref(t) : { type: "object" });
  paths["/v1/head"] = get("Head info (chain.get_head_info)", maybeRef("cairn.chain.v1.GetHeadInfoResponse"));
  paths["/v1/chain-id"] = get("Chain id (chain.get_chain_id)", maybeRef("cairn.chain.v1.GetChainIdResponse"));
  paths["/v1/blocks/{height}"] = get("Block at a height on the current head's chain", maybeRef("cairn.block_store.v1.BlockItem"), [pathParam("height", "Block height (≥ 1)"), ...blockFlags]);
  paths["/v1/blocks"] = get("Blocks from a height, ascending", { type: "object", properties: { block_items: { type: "array", items: maybeRef("cairn.block_store.v1.BlockItem") } } }, [
    { ...queryParam("from", "First height (≥ 1)", { type: "integer", minimum: 1 }), required: true },
    queryParam("count", "How many (default 1)", { type: "integer", minimum: 1 }),
    ...blockFlags,
  ]);
  paths["/v1/blocks/id/{id}"] = get("Block by id", maybeRef("cairn.block_store.v1.BlockItem"), [pathParam("id", "Block id, 0x-hex"), ...blockFlags]);
  paths["/v1/transactions/{id}"] = get("Transaction by id, with the blocks containing it", maybeRef("cairn.transaction_store.v1.TransactionItem"), [pathParam("id", "Transaction id, 0x-hex")]);
  paths["/v1/transactions"] = {
    post: {
      summary: "Submit a transaction (chain.submit_transaction)",
      parameters: [queryParam("broadcast", "false = dry run (default true)", { type: "boolean" })],
      requestBody: { required: true, ...jsonContent(maybeRef("cairn.protocol.v1.Transaction")) },
      responses: { "200": { description: "Receipt", ...jsonContent(maybeRef("cairn.chain.v1.SubmitTransactionResponse")) }, ...errorResponses },
    },
  };
  const account = pathParam("address", "Account address, base58");
  paths["/v1/accounts/{address}/nonce"] = get("Confirmed nonce: Koinos `nonce` bytes plus its decimal `value`", { type: "object", properties: { nonce: { type: "string" }, value: { type: "string" } } }, [account]);
  paths["/v1/accounts/{address}/rc"] = get("Resource credits (mana)", { type: "object", properties: { rc: { type: "string" } } }, [account]);
  paths["/v1/accounts/{address}/balance"] = get("KOIN balance (balance_of via chain.read_contract)", { type: "object", properties: { value: { type: "string" } } }, [account]);
  paths["/v1/accounts/{address}/history"] = get("Account history (account_history.get_account_history)", { type: "object", properties: { values: { type: "array", items: maybeRef("cairn.account_history.v1.AccountHistoryEntry") } } }, [
    account,
    queryParam("limit", "Entries (default 20, max 500)", { type: "integer" }),
    queryParam("seq_num", "Start at this sequence number", { type: "string" }),
    queryParam("ascending", "Oldest first", { type: "boolean" }),
    queryParam("irreversible", "Irreversible entries only", { type: "boolean" }),
  ]);
  paths["/health"] = { get: { summary: "Readiness: every service answers and the head is fresh", responses: { "200": { description: "Ready" }, "503": { description: "Not ready; per-check report" } } } };
  paths["/metrics"] = { get: { summary: "Prometheus metrics", responses: { "200": { description: "text/plain exposition format" } } } };
  paths["/ws"] = { get: { summary: "WebSocket subscriptions (blocks, irreversible, transactions, events); see the gateway README", responses: { "101": { description: "Switching protocols" } } } };

  return {
    openapi: "3.1.0",
    info: { title: "Cairn gateway", version: "1", description: "Koinos-compatible JSON-RPC, REST and WebSocket API of a Cairn node." },
    "x-jsonrpc-methods": jsonRpcMethods,
    paths,
    components: { schemas },
  };
}
