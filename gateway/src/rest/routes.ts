/**
 * The fixed REST routes under /v1/ (architecture §6). Each is a thin recipe over table methods: it
 * builds Koinos JSON params from the path and query, calls through the same codec as JSON-RPC, and
 * answers the Koinos JSON of the response (with empty lists and zero values written out where a
 * REST reader expects them). No business rules live here.
 */
import { toBase64url } from "@cairn/core";
import type { EventDecoder, JsonCodec, JsonObject } from "@cairn/protocol";
import { addressFromBase58, decodeNonce } from "@cairn/protocol";
import type { Context, Hono } from "hono";
import type { GatewayEnv } from "../hono-env.ts";
import { restJsonResponse } from "../responses.ts";
import { readBody } from "../middleware/body.ts";
import { badRequest, notFound, type RestCaller } from "./call.ts";
import { restError, RestErrorCode } from "./errors.ts";

/** Options the REST routes read. */
export interface RestRouteOptions {
  readonly koinContractId: string;
  readonly balanceOfEntryPoint: number;
  readonly maxBlocks: number;
  readonly defaultHistoryLimit: number;
  readonly maxBodyBytes: number;
}

/** What the REST routes use. */
export interface RestRouteDeps {
  readonly rest: RestCaller;
  readonly codec: JsonCodec;
  /** Adds `decoded` to contract events in blocks, transactions and history. Absent: events stay raw. */
  readonly events?: EventDecoder | undefined;
}

const ok = (json: unknown) => restJsonResponse(JSON.stringify(json));

/** `?name=false` → false, `?name=true` → true, absent → `fallback`; anything else is a 400. */
function flag(c: Context, name: string, fallback: boolean): boolean {
  const v = c.req.query(name);
  if (v === undefined || v === "") return fallback;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  return badRequest(`query parameter ${name} must be true or false`);
}

/** A positive decimal integer from the path or query (heights are uint64: kept as a string). */
function positive(value: string | undefined, name: string): string {
  if (value === undefined || !/^[0-9]{1,20}$/.test(value) || BigInt(value) === 0n || BigInt(value) > 0xffffffffffffffffn) {
    return badRequest(`${name} must be a positive integer`);
  }
  return BigInt(value).toString();
}

/** A Koinos id in the path: `0x` + the hex of a sha2-256 multihash (0x1220 + 32 bytes). */
const ID_PATTERN = /^0x1220[0-9a-fA-F]{64}$/;

/** The `:id` path parameter, or a 400 naming what a block or transaction id looks like. */
function id(c: Context, what: "block" | "transaction"): string {
  const value = c.req.param("id") ?? "";
  if (!ID_PATTERN.test(value)) return badRequest(`${what} id must be 0x-prefixed hex of a sha2-256 multihash (0x1220 followed by 64 hex digits), got "${value}"`);
  return value.toLowerCase();
}

/** The `:address` path parameter, or a 400 when it is not a base58 Koinos address (25 bytes, version 0, valid checksum). */
function address(c: Context): string {
  const value = c.req.param("address") ?? "";
  try {
    addressFromBase58(value);
  } catch {
    return badRequest(`address must be a base58 Koinos address (25 bytes, version 0, valid checksum), got "${value}"`);
  }
  return value;
}

/** Head topology id and height, from chain.get_head_info. */
async function head(rest: RestCaller): Promise<{ id: string; height: bigint }> {
  const info = await rest.json("chain", "get_head_info");
  const topology = (info.head_topology ?? {}) as JsonObject;
  return { id: String(topology.id ?? "0x"), height: BigInt(String(topology.height ?? "0")) };
}

/** Registers the routes on `app`. */
export function registerRestRoutes(app: Hono<GatewayEnv>, options: RestRouteOptions, deps: RestRouteDeps): void {
  const { rest, codec } = deps;
  /** An answer carrying contract events, with `decoded` added where the ABI is known. */
  const withEvents = async (json: unknown) => ok(deps.events === undefined ? json : await deps.events.annotateAsync(json));
  const get = (path: string, handler: (c: Context<GatewayEnv>) => Promise<Response>) => app.get(path, (c) => rest.run(c, `GET ${path}`, () => handler(c)));
  const post = (path: string, handler: (c: Context<GatewayEnv>) => Promise<Response>) => app.post(path, (c) => rest.run(c, `POST ${path}`, () => handler(c)));

  get("/v1/head", async () => ok(await rest.json("chain", "get_head_info")));

  get("/v1/chain-id", async () => ok(await rest.json("chain", "get_chain_id")));

  get("/v1/blocks/id/:id", async (c) => {
    const blockId = id(c, "block");
    const result = await rest.json("block_store", "get_blocks_by_id", {
      block_ids: [blockId],
      return_block: flag(c, "block", true),
      return_receipt: flag(c, "receipt", true),
    });
    const item = ((result.block_items ?? []) as JsonObject[])[0];
    if (item === undefined || item.block_id === undefined) return notFound(`block ${blockId} not found`);
    return withEvents(item);
  });

  get("/v1/blocks/:height", async (c) => {
    const height = positive(c.req.param("height"), "height");
    const top = await head(rest);
    if (BigInt(height) > top.height) return notFound(`no block at height ${height} (head is ${top.height})`);
    const result = await rest.json("block_store", "get_blocks_by_height", {
      head_block_id: top.id,
      ancestor_start_height: height,
      num_blocks: 1,
      return_block: flag(c, "block", true),
      return_receipt: flag(c, "receipt", true),
    });
    const item = ((result.block_items ?? []) as JsonObject[])[0];
    return item === undefined ? notFound(`no block at height ${height}`) : withEvents(item);
  });

  get("/v1/blocks", async (c) => {
    const from = positive(c.req.query("from"), "from");
    const count = Number(positive(c.req.query("count") ?? "1", "count"));
    if (count > options.maxBlocks) return badRequest(`count must be at most ${options.maxBlocks}`);
    const top = await head(rest);
    if (BigInt(from) > top.height) return ok({ block_items: [] });
    const result = await rest.json("block_store", "get_blocks_by_height", {
      head_block_id: top.id,
      ancestor_start_height: from,
      num_blocks: count,
      return_block: flag(c, "block", true),
      return_receipt: flag(c, "receipt", true),
    });
    return withEvents({ block_items: result.block_items ?? [] });
  });

  get("/v1/transactions/:id", async (c) => {
    const txId = id(c, "transaction");
    const result = await rest.json("transaction_store", "get_transactions_by_id", { transaction_ids: [txId] });
    const item = ((result.transactions ?? []) as JsonObject[])[0];
    return item === undefined ? notFound(`transaction ${txId} not found`) : withEvents(item);
  });

  post("/v1/transactions", async (c) => {
    const read = await readBody(c.req.raw, options.maxBodyBytes);
    if (!read.ok) {
      return read.reason === "too_large"
        ? restError(413, RestErrorCode.BodyTooLarge, `request body exceeds ${options.maxBodyBytes} bytes`)
        : badRequest("request body could not be read");
    }
    let transaction: unknown;
    try {
      transaction = JSON.parse(read.text);
    } catch {
      return badRequest("body must be a Koinos JSON transaction");
    }
    return ok(await rest.json("chain", "submit_transaction", { transaction, broadcast: flag(c, "broadcast", true) }));
  });

  get("/v1/accounts/:address/nonce", async (c) => {
    const m = rest.method("chain", "get_account_nonce");
    const request = parseParams(m.input.fromJson.bind(m.input), { account: address(c) });
    const response = await rest.message<{ nonce: Uint8Array }>("chain", "get_account_nonce", request);
    const json = m.output.toJson(response);
    return ok({ ...json, value: response.nonce.length === 0 ? "0" : decodeNonce(response.nonce).toString() });
  });

  get("/v1/accounts/:address/rc", async (c) => {
    const result = await rest.json("chain", "get_account_rc", { account: address(c) });
    return ok({ rc: result.rc ?? "0" });
  });

  get("/v1/accounts/:address/balance", async (c) => {
    const argsCodec = codec.forType("cairn.token.v1.BalanceOfArguments");
    const args = parseParams(argsCodec.fromJson.bind(argsCodec), { owner: address(c) });
    const response = await rest.message<{ result: Uint8Array }>("chain", "read_contract", parseParams(rest.method("chain", "read_contract").input.fromJson, {
      contract_id: options.koinContractId,
      entry_point: options.balanceOfEntryPoint,
      args: toBase64url(argsCodec.fns.encode(args).finish()),
    }));
    const value = codec.messageFns<{ value: bigint }>("cairn.token.v1.Uint64Result").decode(response.result).value;
    return ok({ value: value.toString() });
  });

  get("/v1/accounts/:address/history", async (c) => {
    const params: Record<string, unknown> = { limit: options.defaultHistoryLimit };
    for (const [key, value] of Object.entries(c.req.query())) params[key] = value === "true" ? true : value === "false" ? false : value;
    params.address = address(c);
    const result = await rest.json("account_history", "get_account_history", params);
    return withEvents({ values: result.values ?? [] });
  });
}

/** Decodes Koinos JSON into a request message, turning codec errors into a 400. */
function parseParams<T>(fromJson: (json: unknown) => T, json: unknown): T {
  try {
    return fromJson(json);
  } catch (err) {
    return badRequest(err instanceof Error ? err.message : String(err));
  }
}
