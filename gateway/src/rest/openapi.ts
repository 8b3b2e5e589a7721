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

const error = (description: string) => ({ description, ...jsonContent(ref("RestError")) });

/**
 * Every error status a REST route can answer: the gateway's own refusals, and each HTTP status
 * `httpStatusOf` maps a service's gRPC status to (grpc-gateway's table).
 */
const errorResponses = {
  "400": error("Bad request: a path or query value is malformed (address, id, height, flag), or the params do not decode (gRPC INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE)"),
  "401": error("The service refused the caller (gRPC UNAUTHENTICATED)"),
  "403": error("Method denied by the gateway's allow/deny lists (or gRPC PERMISSION_DENIED)"),
  "404": error("Not found (no such block, transaction or route; gRPC NOT_FOUND)"),
  "409": error("Conflict: already exists or aborted (gRPC ALREADY_EXISTS, ABORTED)"),
  "429": error("Rate limited (Retry-After says when to retry), or the service is out of resources (gRPC RESOURCE_EXHAUSTED)"),
  "499": error("The call was cancelled (gRPC CANCELLED)"),
  "500": error("Service error (chain errors carry data {code, logs}) or internal error"),
  "501": error("The service does not implement the method (gRPC UNIMPLEMENTED)"),
  "503": error("The service is not configured on this gateway or cannot be reached (gRPC UNAVAILABLE)"),
  "504": error("The service did not answer in time (gRPC DEADLINE_EXCEEDED)"),
};

/** Routes that read a request body also answer 413 past the gateway's body limit. */
const bodyErrorResponses = { ...errorResponses, "413": error("Request body larger than the gateway's limit") };

function pathParam(name: string, description: string, schema: unknown = { type: "string" }) {
  return { name, in: "path", required: true, schema, description };
}

function queryParam(name: string, description: string, schema: unknown = { type: "string" }) {
  return { name, in: "query", required: false, schema, description };
}

function get(operationId: string, tag: string, summary: string, schema: unknown, parameters: unknown[] = []): Operation {
  return { get: { operationId, tags: [tag], summary, parameters, responses: { "200": { description: "OK", ...jsonContent(schema) }, ...errorResponses } } };
}

/** A Koinos id in a path: 0x-hex of a sha2-256 multihash. */
const ID_SCHEMA = { type: "string", pattern: "^0x1220[0-9a-fA-F]{64}$", examples: ["0x12208d2e946b283ab42772c648074f192a287988b723530197b3dd4b7cc5fee5434f"] };
/** A base58 Koinos address (25 bytes: 33 or 34 characters). */
const ADDRESS_SCHEMA = { type: "string", pattern: "^[1-9A-HJ-NP-Za-km-z]{25,35}$", examples: ["1AEjdUWG3hN2ifM9rbQLSXxVBm1RD7Pv89"] };

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
        responses: { "200": { description: "The method's result (Koinos JSON)", ...jsonContent(ref(m.info.outputType)) }, ...bodyErrorResponses },
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
      tags: ["jsonrpc"],
      summary: "Koinos-compatible JSON-RPC 2.0 (any path; batches allowed)",
      description: "Always HTTP 200 (errors, an oversized body and rate limiting included, are JSON-RPC error objects). The methods, their params and results are listed under x-jsonrpc-methods.",
      requestBody: { required: true, ...jsonContent({ oneOf: [ref("JsonRpcRequest"), { type: "array", items: ref("JsonRpcRequest") }] }) },
      responses: { "200": { description: "JSON-RPC response (or array of them)", ...jsonContent({ oneOf: [ref("JsonRpcResponse"), { type: "array", items: ref("JsonRpcResponse") }] }) } },
    },
  };
  const maybeRef = (t: string) => (t in schemas ? ref(t) : { type: "object" });
  paths["/v1/head"] = get("getHead", "chain", "Head info (chain.get_head_info)", maybeRef("cairn.chain.v1.GetHeadInfoResponse"));
  paths["/v1/chain-id"] = get("getChainId", "chain", "Chain id (chain.get_chain_id)", maybeRef("cairn.chain.v1.GetChainIdResponse"));
  paths["/v1/blocks/{height}"] = get("getBlockByHeight", "block_store", "Block at a height on the current head's chain", maybeRef("cairn.block_store.v1.BlockItem"), [
    pathParam("height", "Block height (≥ 1)", { type: "string", pattern: "^[0-9]{1,20}$" }),
    ...blockFlags,
  ]);
  paths["/v1/blocks"] = get("getBlocks", "block_store", "Blocks from a height, ascending", { type: "object", properties: { block_items: { type: "array", items: maybeRef("cairn.block_store.v1.BlockItem") } } }, [
    { ...queryParam("from", "First height (≥ 1)", { type: "integer", minimum: 1 }), required: true },
    queryParam("count", "How many (default 1)", { type: "integer", minimum: 1 }),
    ...blockFlags,
  ]);
  paths["/v1/blocks/id/{id}"] = get("getBlockById", "block_store", "Block by id", maybeRef("cairn.block_store.v1.BlockItem"), [pathParam("id", "Block id: 0x-hex sha2-256 multihash", ID_SCHEMA), ...blockFlags]);
  paths["/v1/transactions/{id}"] = get("getTransactionById", "transaction_store", "Transaction by id, with the blocks containing it", maybeRef("cairn.transaction_store.v1.TransactionItem"), [
    pathParam("id", "Transaction id: 0x-hex sha2-256 multihash", ID_SCHEMA),
  ]);
  paths["/v1/transactions"] = {
    post: {
      operationId: "submitTransaction",
      tags: ["chain"],
      summary: "Submit a transaction (chain.submit_transaction)",
      parameters: [queryParam("broadcast", "false = dry run (default true)", { type: "boolean" })],
      requestBody: { required: true, ...jsonContent(maybeRef("cairn.protocol.v1.Transaction")) },
      responses: { "200": { description: "Receipt", ...jsonContent(maybeRef("cairn.chain.v1.SubmitTransactionResponse")) }, ...bodyErrorResponses },
    },
  };
  const account = pathParam("address", "Account address, base58 (checked: 400 when it is not a Koinos address)", ADDRESS_SCHEMA);
  const string = { type: "string" };
  paths["/v1/accounts/{address}/nonce"] = get("getAccountNonce", "accounts", "Confirmed nonce: Koinos `nonce` bytes plus its decimal `value`", { type: "object", properties: { nonce: string, value: string } }, [account]);
  paths["/v1/accounts/{address}/rc"] = get("getAccountRc", "accounts", "Resource credits (mana)", { type: "object", required: ["rc"], properties: { rc: string } }, [account]);
  paths["/v1/accounts/{address}/balance"] = get("getAccountBalance", "accounts", "KOIN balance (balance_of via chain.read_contract)", { type: "object", required: ["value"], properties: { value: string } }, [account]);
  paths["/v1/accounts/{address}/history"] = get("getAccountHistory", "accounts", "Account history (account_history.get_account_history)", { type: "object", required: ["values"], properties: { values: { type: "array", items: maybeRef("cairn.account_history.v1.AccountHistoryEntry") } } }, [
    account,
    queryParam("limit", "Entries (default 20, max 500)", { type: "integer" }),
    queryParam("seq_num", "Start at this sequence number", { type: "string" }),
    queryParam("ascending", "Oldest first", { type: "boolean" }),
    queryParam("irreversible", "Irreversible entries only", { type: "boolean" }),
  ]);
  const healthReport = { type: "object", required: ["status", "checks"], properties: { status: { enum: ["ok", "unavailable"] }, checks: { type: "object", additionalProperties: { type: "object", required: ["status"], properties: { status: { enum: ["ok", "fail"] } } } } } };
  paths["/health"] = {
    get: {
      operationId: "getHealth",
      tags: ["operations"],
      summary: "Readiness: every service answers and the head is fresh",
      responses: { "200": { description: "Ready", ...jsonContent(healthReport) }, "503": { description: "Not ready; per-check report", ...jsonContent(healthReport) } },
    },
  };
  paths["/metrics"] = {
    get: { operationId: "getMetrics", tags: ["operations"], summary: "Prometheus metrics", responses: { "200": { description: "Prometheus text exposition format", content: { "text/plain": { schema: { type: "string" } } } } } },
  };
  paths["/openapi.json"] = {
    get: { operationId: "getOpenApi", tags: ["operations"], summary: "This document", responses: { "200": { description: "OpenAPI 3.1 document", ...jsonContent({ type: "object" }) } } },
  };
  paths["/ws"] = {
    get: {
      operationId: "openWebSocket",
      tags: ["ws"],
      summary: "WebSocket subscriptions (blocks, irreversible, transactions, events); see the gateway README",
      responses: { "101": { description: "Switching protocols" }, "426": error("Not a WebSocket upgrade request") },
    },
  };

  return {
    openapi: "3.1.0",
    info: { title: "Cairn gateway", version: "1", description: "Koinos-compatible JSON-RPC, REST and WebSocket API of a Cairn node." },
    // Relative: the gateway that serves this document (whatever its host and port) serves the API.
    servers: [{ url: "/", description: "The gateway serving this document" }],
    // Public read and submit API: no authentication (operators put a proxy in front to add any).
    security: [],
    "x-jsonrpc-methods": jsonRpcMethods,
    paths,
    components: { schemas },
  };
}
