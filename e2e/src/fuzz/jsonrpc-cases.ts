/**
 * Generated HTTP requests for the gateway: JSON-RPC calls with schema-shaped and hostile params,
 * broken envelopes, malformed JSON, huge numbers, bad encodings, deep nesting, giant strings,
 * batches, oversized bodies, mutated signed transactions, and REST paths with junk segments.
 */
import { defaultJsonCodec } from "@cairn/protocol";
import type { Random } from "./random.ts";
import { HUGE_NUMBERS, type Schema, anyValue, deepText, giantString, schemaValue } from "./values.ts";

/** One request to send. */
export interface HttpCase {
  /** Category, for the report. */
  kind: string;
  method: "GET" | "POST";
  path: string;
  body?: string | Uint8Array | ReadableStream<Uint8Array>;
}

/** Every JSON-RPC method with its params schema (including the ones the gateway denies). */
export interface MethodSchema {
  method: string;
  schema: Schema;
  defs: Record<string, Schema>;
}

/** The JSON-RPC methods of every service, from the protocol codec's descriptors. */
export function methodSchemas(): MethodSchema[] {
  const codec = defaultJsonCodec();
  const out: MethodSchema[] = [];
  // Cairn's services (the descriptors also hold grpc.health.v1, which the gateway does not serve),
  // without the dev node's controls: dev.reset, dev.revert and dev.mine_blocks do what they say
  // to the chain the valid traffic runs on.
  for (const service of codec.listServices().filter((s) => s.typeName.startsWith("cairn.") && s.jsonRpcService !== "dev")) {
    for (const m of service.methods) {
      const { $defs, ...schema } = codec.toJsonSchema(m.inputType) as Schema & { $defs?: Record<string, Schema> };
      out.push({ method: m.jsonRpcMethod, schema, defs: $defs ?? {} });
    }
  }
  return out;
}

/** Methods the read cache and single-flight key on (deep params once overflowed there). */
const CACHED = ["chain.get_head_info", "chain.get_chain_id", "chain.get_fork_heads", "chain.get_resource_limits", "block_store.get_highest_block"];

const HOSTILE_METHODS = [
  "", ".", "chain.", ".get_head_info", "chain.toString", "chain.constructor", "__proto__.get_head_info", "constructor.name", "toString",
  "chain.__proto__", "hasOwnProperty.x", "koinos.rpc.chain.get_head_info", "chain.get_head_info.x", "CHAIN.GET_HEAD_INFO", "chain/get_head_info",
];

export interface CaseContext {
  methods: MethodSchema[];
  /** Koinos JSON of signed transactions to mutate. */
  transactions: () => Record<string, unknown>[];
  /** The gateway's body limit. */
  maxBodyBytes: number;
}

const envelope = (method: unknown, params: unknown, id: unknown = 1) => ({ jsonrpc: "2.0", id, method, params });

/** A JSON-RPC call object (not yet text) for `r`, of a kind picked by the caller. */
function callObject(r: Random, ctx: CaseContext): unknown {
  const m = r.pick(ctx.methods);
  return envelope(m.method, schemaValue(r, m.schema, m.defs, r.pick([0, 0.05, 0.3])), r.int(1_000_000));
}

/** Flips one character of a string somewhere in `value` (base64url, base58, hex alike). */
function flipSomething(r: Random, value: unknown): unknown {
  if (typeof value === "string") {
    if (value.length === 0) return "A";
    const i = r.int(value.length);
    const c = value[i] === "A" ? "B" : "A";
    return value.slice(0, i) + c + value.slice(i + 1);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return value;
    const copy = [...value];
    const i = r.int(copy.length);
    copy[i] = flipSomething(r, copy[i]);
    return copy;
  }
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 0) return value;
    const k = r.pick(keys);
    return { ...(value as Record<string, unknown>), [k]: flipSomething(r, (value as Record<string, unknown>)[k]) };
  }
  return value;
}

/** A signed transaction with one to three mutations. */
function mutatedTransaction(r: Random, ctx: CaseContext): Record<string, unknown> {
  const base = structuredClone(r.pick(ctx.transactions())) as Record<string, unknown> & { header?: Record<string, unknown>; signatures?: string[]; operations?: unknown[] };
  for (let n = 1 + r.int(3); n > 0; n--) {
    // An earlier mutation may have replaced the header by a non-object.
    if (base.header !== undefined && (typeof base.header !== "object" || base.header === null || Array.isArray(base.header))) base.header = {};
    switch (r.int(12)) {
      case 0:
        base.signatures = flipSomething(r, base.signatures) as string[];
        break;
      case 1:
        base.id = flipSomething(r, base.id);
        break;
      case 2:
        base.header = flipSomething(r, base.header) as Record<string, unknown>;
        break;
      case 3:
        if (base.header) base.header.rc_limit = String(r.pick(HUGE_NUMBERS));
        break;
      case 4:
        if (base.header) base.header.nonce = r.pick(["", "AA==", "KP__Aw==", "CAE=", "_____w==", giantString(r, 1000)]);
        break;
      case 5:
        delete base[r.pick(["header", "id", "signatures", "operations"])];
        break;
      case 6:
        base.signatures = Array.from({ length: r.pick([0, 2, 50, 300]) }, () => (base.signatures ?? ["AA"])[0] ?? "AA");
        break;
      case 7:
        base.operations = flipSomething(r, base.operations) as unknown[];
        break;
      case 8:
        base.operations = Array.from({ length: r.int(3) }, () => ({ call_contract: { contract_id: r.pick(["1".repeat(3000), "", "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL"]), entry_point: r.pick([0, 0x27f576ca, 2 ** 32]), args: "" } }));
        break;
      case 9:
        if (base.header) base.header[r.pick(["payer", "payee"])] = r.pick(["", "1".repeat(3000), "1AEjdUWG3hN2ifM9rbQLSXxVBm1RD7Pv89", "0x00"]);
        break;
      case 10:
        if (base.header) base.header.chain_id = flipSomething(r, base.header.chain_id);
        break;
      default:
        base[r.pick(["header", "operations", "signatures", "id"])] = anyValue(r);
    }
  }
  return base;
}

function stream(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    pull(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** `text` as a path segment; lone surrogates (which encodeURIComponent refuses) become `%ED%A0%80`. */
function uriSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return "%ED%A0%80";
  }
}

const post = (kind: string, body: HttpCase["body"], path = "/"): HttpCase => ({ kind, method: "POST", path, body });

/** The next request. */
export function nextCase(r: Random, ctx: CaseContext): HttpCase {
  const roll = r.int(100);
  if (roll < 35) return post("params", JSON.stringify(callObject(r, ctx)));
  if (roll < 45) {
    return post("transaction", JSON.stringify(envelope("chain.submit_transaction", { transaction: mutatedTransaction(r, ctx), broadcast: r.chance(0.8) })));
  }
  if (roll < 52) {
    const kind = r.int(6);
    if (kind === 0) return post("envelope", JSON.stringify(envelope(r.pick(HOSTILE_METHODS), {}, r.int(10))));
    if (kind === 1) return post("envelope", JSON.stringify({ ...envelope(r.pick(ctx.methods).method, {}), jsonrpc: anyValue(r) }));
    if (kind === 2) return post("envelope", JSON.stringify({ ...envelope(r.pick(ctx.methods).method, {}), id: anyValue(r) }));
    if (kind === 3) return post("envelope", JSON.stringify(envelope(anyValue(r), anyValue(r))));
    if (kind === 4) return post("envelope", JSON.stringify(envelope(r.pick(ctx.methods).method, anyValue(r))));
    return post("envelope", JSON.stringify(anyValue(r)));
  }
  if (roll < 62) {
    const valid = JSON.stringify(callObject(r, ctx));
    const kind = r.int(5);
    if (kind === 0) return post("malformed", valid.slice(0, r.int(valid.length)));
    if (kind === 1) return post("malformed", r.bytes(r.length(2048)));
    if (kind === 2) return post("malformed", "\ufeff" + valid);
    if (kind === 3) return post("malformed", valid.replace(/"/g, r.pick(["'", "", "\\"])));
    return post("malformed", r.pick(["", "null", "[]", "[[]]", "{}", "1", "\"x\"", "{\"jsonrpc\":\"2.0\"", "{\"a\":1,\"a\":2}", "\u0000"]));
  }
  if (roll < 67) {
    const m = r.chance(0.5) ? r.pick(CACHED) : r.pick(ctx.methods).method;
    const depth = r.pick([100, 1_000, 10_000, 100_000, 250_000]);
    const where = r.int(3);
    const deep = deepText(r, depth);
    const params = where === 0 ? deep : where === 1 ? `{"a":${deep}}` : `{"transaction":${deep}}`;
    return post("deep", `{"jsonrpc":"2.0","id":1,"method":"${m}","params":${params}}`);
  }
  if (roll < 71) {
    const m = r.pick(ctx.methods);
    const field = Object.keys(m.schema.properties ?? {})[0] ?? "x";
    return post("giant", JSON.stringify(envelope(m.method, { [field]: giantString(r, 1_500_000) })));
  }
  if (roll < 76) {
    const m = r.pick(ctx.methods);
    const params: Record<string, unknown> = {};
    for (const k of Object.keys(m.schema.properties ?? {})) params[k] = r.pick(HUGE_NUMBERS);
    return post("huge-number", JSON.stringify(envelope(m.method, params)).replace(/1e\+?400/g, "1e400"));
  }
  if (roll < 84) {
    const size = r.pick([0, 1, 2, 50, 100, 101, 500]);
    const items = Array.from({ length: size }, () => (r.chance(0.8) ? callObject(r, ctx) : anyValue(r)));
    return post("batch", JSON.stringify(r.chance(0.1) ? [items] : items));
  }
  if (roll < 87) {
    const body = JSON.stringify(envelope("chain.get_head_info", { pad: "x".repeat(ctx.maxBodyBytes + r.int(100_000)) }));
    return post("oversized", r.chance(0.5) ? body : stream(body));
  }
  if (roll < 92) {
    const seg = () => r.pick(["1", "0", "-1", "18446744073709551616", "0x1220", "1AEjdUWG3hN2ifM9rbQLSXxVBm1RD7Pv89", "%00", "..", "x".repeat(5000), uriSegment(String(anyValue(r)))]);
    const path = r.pick([
      `/v1/blocks/${seg()}`, `/v1/blocks/id/${seg()}`, `/v1/blocks?from=${seg()}&count=${seg()}`, `/v1/transactions/${seg()}`,
      `/v1/accounts/${seg()}/nonce`, `/v1/accounts/${seg()}/rc`, `/v1/accounts/${seg()}/balance`, `/v1/accounts/${seg()}/history?limit=${seg()}&seq_num=${seg()}`,
      `/v1/head`, `/health`, `/v1/${seg()}`,
    ]);
    return { kind: "rest", method: "GET", path };
  }
  if (roll < 95) {
    const m = r.pick(ctx.methods);
    const [service, method] = m.method.split(".");
    return post("rest-rpc", JSON.stringify(schemaValue(r, m.schema, m.defs, 0.2)), `/v1/rpc/${r.chance(0.9) ? service : "toString"}/${r.chance(0.9) ? method : "constructor"}`);
  }
  if (roll < 97) return post("rest-transaction", JSON.stringify(r.chance(0.5) ? mutatedTransaction(r, ctx) : { transaction: mutatedTransaction(r, ctx) }), "/v1/transactions");
  return post("params", JSON.stringify(envelope(r.pick(ctx.methods).method, anyValue(r))));
}
