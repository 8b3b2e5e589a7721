/**
 * Answers assembled from cached JSON fragments of immutable items, so a hot read neither asks the
 * service to decode the same block again nor encodes it to JSON again.
 *
 * - `block_store.get_blocks_by_height` / `get_blocks_by_id` with the block or the receipt asked:
 *   each block item's JSON is kept under its block id and the parts asked (a block id names its
 *   content, so the fragment is right on every fork). By height, the gateway first asks the
 *   service for the ids alone (cheap: topology only), takes the items it holds from the cache and
 *   fetches only the others, by id, with the parts asked (a block another request is fetching
 *   already is awaited, not fetched again). An item without a part asked (a block id
 *   the store does not know) is never kept; should the store lack a block it listed a moment
 *   before, the request is answered by one plain call instead.
 * - `account_history.get_account_history`: each record's JSON is kept under the content key the
 *   account history service puts on the records it decodes (`CONTENT_KEY` of @cairn/core: a hash
 *   of the record's bytes, never the seq_num); records without one (a gRPC client decodes fresh
 *   objects with none) are encoded each time.
 *
 * Each kind has its own byte budget (`blockBytes`, `historyBytes`; 0 turns that kind off): least
 * recently used fragments go first. Fragments are kept as UTF-8 bytes and an answer is handed on
 * in pieces (`JsonAnswer.parts`), so the HTTP body is one buffer copied once from them. An
 * assembled answer is byte for byte the text a plain call would give
 * (`JSON.stringify(output.toJson(response))`).
 */
import { CONTENT_KEY } from "@cairn/core";
import type { JsonCodec, JsonObject } from "@cairn/protocol";
import { invokeMessage, invokeRequest, joinPieces, type JsonAnswer, type Piece } from "./invoke.ts";
import type { MethodTable, TableMethod } from "./method-table.ts";

/** Options (the `jsonCache` section). */
export interface JsonCacheOptions {
  /** Bytes of block item JSON kept; 0 = off. */
  readonly blockBytes: number;
  /** Bytes of account history record JSON kept; 0 = off. */
  readonly historyBytes: number;
}

/**
 * A string-keyed cache bounded by the total size of keys and values, dropping the least recently
 * used first — approximately: a hit only marks its entry (no reordering on the hot path); when
 * room is needed, entries are visited oldest first and a marked one gets a second chance (moved
 * last, unmarked) instead of being dropped.
 */
export class Lru<V> {
  private readonly map = new Map<string, { value: V; hit: boolean }>();
  private used = 0;
  /** `sizeOf`: the bytes a value stands for (a key counts its length). */
  constructor(readonly maxBytes: number, private readonly sizeOf: (value: V) => number) {}

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    e.hit = true;
    return e.value;
  }

  set(key: string, value: V): void {
    const size = key.length + this.sizeOf(value);
    if (size > this.maxBytes) return;
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      this.used -= key.length + this.sizeOf(old.value);
    }
    this.map.set(key, { value, hit: false });
    this.used += size;
    for (const [k, e] of this.map) {
      if (this.used <= this.maxBytes) break;
      this.map.delete(k);
      if (e.hit && k !== key) {
        e.hit = false;
        this.map.set(k, e);
      } else {
        this.used -= k.length + this.sizeOf(e.value);
      }
    }
  }

  /** Fragments held and their bytes. */
  size(): { entries: number; bytes: number } {
    return { entries: this.map.size, bytes: this.used };
  }
}

/** The cache in front of the service calls. */
export interface JsonCache {
  /** True when `method`'s answers are assembled here. */
  applies(method: TableMethod): boolean;
  /** The answer to a decoded request of a method it applies to. */
  answer(method: TableMethod, request: object, timeoutMs: number): Promise<JsonAnswer>;
  /** Fragments held now, per kind. */
  size(): { blocks: { entries: number; bytes: number }; history: { entries: number; bytes: number } };
}

const BY_HEIGHT = "block_store.get_blocks_by_height";
const BY_ID = "block_store.get_blocks_by_id";
const HISTORY = "account_history.get_account_history";

interface BlockItem {
  block_id: Uint8Array;
  block_height: bigint;
  block?: object | undefined;
  receipt?: object | undefined;
}

/** An answer from UTF-8 pieces; the text and the JSON value are built only if someone asks (REST, batches). */
function partsAnswer(parts: readonly Piece[]): JsonAnswer {
  let text: string | undefined;
  let json: JsonObject | undefined;
  return {
    parts,
    get text() {
      return (text ??= joinPieces(parts).toString("utf8"));
    },
    get json() {
      return (json ??= JSON.parse(this.text) as JsonObject);
    },
  };
}

const ITEMS_OPEN = '{"block_items":[';
const COMMA = ",";
const LIST_CLOSE = "]}";
const VALUES_OPEN = '{"values":[';

/** An answer from its text; the JSON value is parsed only if someone asks for it (REST). */
function textAnswer(text: string): JsonAnswer {
  let json: JsonObject | undefined;
  return {
    text,
    get json() {
      return (json ??= JSON.parse(text) as JsonObject);
    },
  };
}


/** Builds the cache over the table (it calls `get_blocks_by_id` itself for the items it lacks). */
export function createJsonCache(options: JsonCacheOptions, deps: { readonly table: MethodTable; readonly codec: JsonCodec }): JsonCache {
  const blocks = new Lru<Uint8Array>(options.blockBytes, (v) => v.length);
  /** Block items being fetched, by the key they will be kept under. */
  const pending = new Map<string, Promise<{ item: BlockItem; text: Uint8Array }>>();
  const history = new Lru<{ readonly field: string; readonly json: Uint8Array }>(options.historyBytes, (v) => v.json.length);
  const byId = deps.table.get("block_store", "get_blocks_by_id");
  const methods = new Set<string>();
  if (options.blockBytes > 0 && byId !== undefined) methods.add(BY_HEIGHT).add(BY_ID);
  if (options.historyBytes > 0) methods.add(HISTORY);
  const itemCodec = deps.codec.forType("cairn.block_store.v1.BlockItem");
  const entryCodec = deps.codec.forType("cairn.account_history.v1.AccountHistoryEntry");
  const trxCodec = deps.codec.forType("cairn.account_history.v1.TransactionRecord");
  const blockRecordCodec = deps.codec.forType("cairn.account_history.v1.BlockRecord");

  /** The JSON of `item` (UTF-8), kept when it holds every part asked. */
  const keepItem = (item: BlockItem, parts: string, wantBlock: boolean, wantReceipt: boolean): Uint8Array => {
    const text = Buffer.from(JSON.stringify(itemCodec.toJson(item as unknown as Record<string, unknown>)));
    if ((!wantBlock || item.block !== undefined) && (!wantReceipt || item.receipt !== undefined) && item.block_id.length > 0) {
      blocks.set(blockKey(item.block_id, parts), text);
    }
    return text;
  };

  async function blockAnswer(method: TableMethod, request: Record<string, unknown>, timeoutMs: number): Promise<JsonAnswer> {
    const wantBlock = request.return_block === true;
    const wantReceipt = request.return_receipt === true;
    // Nothing heavy asked: nothing worth keeping.
    if (!wantBlock && !wantReceipt) return invokeRequest(method, request, timeoutMs);
    const parts = `${wantBlock ? "b" : ""}${wantReceipt ? "r" : ""}`;
    let ids: Uint8Array[];
    if (method.name === BY_HEIGHT) {
      const listed = (await call(method, { ...request, return_block: false, return_receipt: false }, timeoutMs)) as { block_items: BlockItem[] };
      ids = listed.block_items.map((i) => i.block_id);
    } else {
      ids = request.block_ids as Uint8Array[];
      // The service's own checks (no ids, too many) and their errors: a plain call.
      if (ids.length === 0 || ids.length > 1000) return invokeRequest(method, request, timeoutMs);
    }
    const fragments: (Uint8Array | undefined)[] = ids.map((id) => (id.length === 0 ? undefined : blocks.get(blockKey(id, parts))));
    const missing: number[] = [];
    fragments.forEach((f, i) => f === undefined && missing.push(i));
    if (missing.length > 0) {
      // Blocks another request is fetching already are shared (concurrent overlapping ranges
      // would otherwise each read and encode the same new block); the rest in one call.
      const fetch: number[] = [];
      const fetchAt: number[] = [];
      const waits = missing.map((i, m) => {
        const shared = pending.get(blockKey(ids[i]!, parts));
        if (shared !== undefined) return shared;
        fetch.push(i);
        fetchAt.push(m);
        return undefined;
      });
      if (fetch.length > 0) {
        const call_ = call(byId!, { block_ids: fetch.map((i) => ids[i]!), return_block: wantBlock, return_receipt: wantReceipt }, timeoutMs).then((r) => {
          const items = (r as { block_items: BlockItem[] }).block_items;
          if (items.length !== fetch.length) throw new Error("get_blocks_by_id answered another number of items");
          return items;
        });
        fetch.forEach((i, k) => {
          const key = blockKey(ids[i]!, parts);
          const one = call_.then((items) => ({ item: items[k]!, text: keepItem(items[k]!, parts, wantBlock, wantReceipt) }));
          pending.set(key, one);
          void one.then(() => pending.delete(key), () => pending.delete(key));
          waits[fetchAt[k]!] = one;
        });
      }
      let got: { item: BlockItem; text: Uint8Array }[];
      try {
        got = await Promise.all(waits as Promise<{ item: BlockItem; text: Uint8Array }>[]);
      } catch {
        return invokeRequest(method, request, timeoutMs);
      }
      for (let k = 0; k < missing.length; k++) {
        // By height every listed block exists; a block the store no longer has: answer plainly.
        if (method.name === BY_HEIGHT && !sameBytes(got[k]!.item.block_id, ids[missing[k]!]!)) return invokeRequest(method, request, timeoutMs);
        fragments[missing[k]!] = got[k]!.text;
      }
    }
    if (fragments.length === 0) return textAnswer("{}");
    const pieces: Piece[] = [ITEMS_OPEN];
    fragments.forEach((f, i) => (i === 0 ? pieces.push(f!) : pieces.push(COMMA, f!)));
    pieces.push(LIST_CLOSE);
    return partsAnswer(pieces);
  }

  async function historyAnswer(method: TableMethod, request: object, timeoutMs: number): Promise<JsonAnswer> {
    const response = (await call(method, request, timeoutMs)) as { values: HistoryEntry[] };
    if (response.values.length === 0) return textAnswer("{}");
    const pieces: Piece[] = [VALUES_OPEN];
    for (let i = 0; i < response.values.length; i++) {
      if (i > 0) pieces.push(COMMA);
      entryPieces(response.values[i]!, pieces);
    }
    pieces.push(LIST_CLOSE);
    return partsAnswer(pieces);
  }

  type HistoryEntry = { seq_num: bigint; trx?: object | undefined; block?: object | undefined };

  /** Appends `{"seq_num":"N","trx":{…}}` (UTF-8) with the record's JSON from the cache when its key is there. */
  const entryPieces = (entry: HistoryEntry, out: Piece[]): void => {
    const [field, record] = entry.trx !== undefined ? ["trx", entry.trx] as const : ["block", entry.block] as const;
    const key = record === undefined || (entry.trx !== undefined && entry.block !== undefined) ? undefined : (record as { [CONTENT_KEY]?: string })[CONTENT_KEY];
    if (key === undefined) {
      out.push(Buffer.from(JSON.stringify(entryCodec.toJson(entry as unknown as Record<string, unknown>))));
      return;
    }
    // Kept with its field: the record's JSON depends on its type.
    const kept = history.get(key);
    let json: Uint8Array;
    if (kept !== undefined && kept.field === field) json = kept.json;
    else {
      json = Buffer.from(JSON.stringify((field === "trx" ? trxCodec : blockRecordCodec).toJson(record as Record<string, unknown>)));
      history.set(key, { field, json });
    }
    // seq_num is an implicit-presence uint64: omitted at 0, as toJson does.
    out.push(entry.seq_num === 0n ? `{"${field}":` : `{"seq_num":"${entry.seq_num}","${field}":`, json, "}");
  };

  return {
    applies: (method) => methods.has(method.name),
    answer(method, request, timeoutMs) {
      return method.name === HISTORY ? historyAnswer(method, request, timeoutMs) : blockAnswer(method, request as Record<string, unknown>, timeoutMs);
    },
    size: () => ({ blocks: blocks.size(), history: history.size() }),
  };
}

/** The service's response message (not JSON). */
function call(method: TableMethod, request: object, timeoutMs: number): Promise<unknown> {
  return invokeMessage(method, request, timeoutMs);
}

function blockKey(id: Uint8Array, parts: string): string {
  return `${Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString("hex")} ${parts}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
