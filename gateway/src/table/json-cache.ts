/**
 * A bounded cache of the Koinos JSON text of immutable list items, so the answers of the heavy
 * reads are assembled from cached fragments instead of converting every block and receipt to
 * JSON again (the conversion — base58, base64, every field — is most of such a read's cost):
 *
 * - `block_store.get_blocks_by_height` / `get_blocks_by_id`: one fragment per block item, keyed by
 *   the block id (a hash of the block's content, so what it names never changes, on any fork),
 *   its height and which of block and receipt the item carries;
 * - `account_history.get_account_history`: one fragment per history record (transaction or block
 *   record), keyed by the record's own content (a 96-bit hash of its protobuf bytes and their
 *   length), never by its position — a fork switch may give an address's seq_num another record,
 *   which then has another key; the entry's seq_num is written around the fragment, so the
 *   entries of one transfer in the sender's and the receiver's history share one fragment.
 *
 * Block reads carrying blocks or receipts first ask the block store for the range without them
 * (ids and heights only: cheap), take the cached fragments, and fetch only the missing items with
 * `get_blocks_by_id`, so a warm read decodes no block at all.
 *
 * The answer is `{"<field>":[` + fragments joined by `,` + `]}`, byte for byte what
 * `JSON.stringify(output.toJson(response))` gives (the response messages have that one repeated
 * field). Each list has its own byte budget (key and text lengths), least recently used dropped
 * first; a budget of 0 turns that list's caching off.
 */
import type { JsonCodec, JsonObject, MessageJsonCodec } from "@cairn/protocol";
import type { TableMethod } from "./method-table.ts";

/** Options of the cache (the `jsonCache` section). */
export interface JsonCacheOptions {
  /** Byte budget of block item fragments (get_blocks_by_height, get_blocks_by_id); 0 = off. */
  readonly blockItemBytes: number;
  /** Byte budget of account history entry fragments (get_account_history); 0 = off. */
  readonly historyEntryBytes: number;
}

/** Calls a table method with a request message (the caller's timeout applied). */
export type CallMethod = (method: TableMethod, request: object) => Promise<unknown>;

/** The cache. */
export interface JsonCache {
  /** The JSON text of `response` (a `method` answer) from cached fragments, or undefined when `method` is not cached. */
  text(method: TableMethod, response: object): string | undefined;
  /**
   * The answer text of a block read with blocks or receipts, from the fragments with only the
   * missing items fetched; undefined when `method`/`request` is not such a read (call it as usual).
   */
  blocks(method: TableMethod, request: object, call: CallMethod): Promise<string> | undefined;
  /** Fragments and bytes held now, per list. */
  size(): { blockItems: { entries: number; bytes: number }; historyEntries: { entries: number; bytes: number } };
}

/** Map-ordered LRU of strings within a byte budget (a string's length counted as its bytes). */
class TextLru {
  private readonly map = new Map<string, string>();
  bytes = 0;
  constructor(private readonly budget: number) {}
  get entries(): number {
    return this.map.size;
  }
  get(key: string): string | undefined {
    const text = this.map.get(key);
    if (text !== undefined) {
      this.map.delete(key);
      this.map.set(key, text);
    }
    return text;
  }
  set(key: string, text: string): void {
    const cost = key.length + text.length;
    // An item past an eighth of the budget would flush too much of the rest: not kept.
    if (cost > this.budget / 8) return;
    this.map.set(key, text);
    this.bytes += cost;
    for (const [k, t] of this.map) {
      if (this.bytes <= this.budget) break;
      this.map.delete(k);
      this.bytes -= k.length + t.length;
    }
  }
}

interface ListRule {
  /** The response's one (repeated) field. */
  readonly field: string;
  readonly item: MessageJsonCodec;
  readonly key: (item: Record<string, unknown>) => string;
  readonly lru: TextLru;
  /** The item's text when the rule builds it itself; undefined = the cached whole item by `key`. */
  readonly fragment?: (item: Record<string, unknown>) => string | undefined;
}

const hex = (bytes: unknown) => (bytes instanceof Uint8Array ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex") : "");

/** Builds the cache over the codec's message types; `byId` (block_store.get_blocks_by_id) fetches missing block items. */
export function createJsonCache(options: JsonCacheOptions, codec: JsonCodec, byId?: TableMethod): JsonCache {
  const blockItems = new TextLru(options.blockItemBytes);
  const historyEntries = new TextLru(options.historyEntryBytes);
  const blockItem = codec.forType("cairn.block_store.v1.BlockItem");
  const historyEntry = codec.forType("cairn.account_history.v1.AccountHistoryEntry");
  const blocksRule: ListRule = {
    field: "block_items",
    item: blockItem,
    key: (i) => `${hex(i.block_id)} ${String(i.block_height)} ${i.block === undefined ? 0 : 1}${i.receipt === undefined ? 0 : 1}`,
    lru: blockItems,
  };
  // A history entry is {"seq_num":…,"trx"|"block":<record>}: the record's text is cached, keyed by
  // the record's content (so the sender's and the receiver's entries of one transfer share it), and
  // the entry is written around it — checked against the codec's own text on every miss (a
  // mismatch turns the split off: whole entries are then cached, keyed by their content).
  const records = { trx: codec.forType("cairn.account_history.v1.TransactionRecord"), block: codec.forType("cairn.account_history.v1.BlockRecord") };
  let split = true;
  const contentKey = (kind: string, bytes: Uint8Array) => `${kind} ${Bun.hash.wyhash(bytes, 0x63616972n).toString(36)} ${Bun.hash.crc32(bytes).toString(36)} ${bytes.length}`;
  const historyRule: ListRule = {
    field: "values",
    item: historyEntry,
    key: (e) => contentKey("entry", historyEntry.fns.encode(e).finish()),
    lru: historyEntries,
    fragment(e) {
      const kind = e.trx !== undefined ? "trx" : e.block !== undefined ? "block" : undefined;
      if (!split || kind === undefined) return undefined;
      const record = e[kind] as Record<string, unknown>;
      const key = contentKey(kind, records[kind].fns.encode(record).finish());
      const cached = historyEntries.get(key);
      const head = JSON.stringify(historyEntry.toJson({ seq_num: e.seq_num }));
      const around = (text: string) => (head === "{}" ? `{"${kind}":${text}}` : `${head.slice(0, -1)},"${kind}":${text}}`);
      if (cached !== undefined) return around(cached);
      const text = JSON.stringify(records[kind].toJson(record));
      const whole = JSON.stringify(historyEntry.toJson(e));
      if (around(text) !== whole) {
        split = false;
        return whole;
      }
      historyEntries.set(key, text);
      return whole;
    },
  };
  const rules = new Map<string, ListRule>();
  if (options.blockItemBytes > 0) {
    rules.set("cairn.block_store.v1.GetBlocksByHeightResponse", blocksRule);
    rules.set("cairn.block_store.v1.GetBlocksByIdResponse", blocksRule);
  }
  if (options.historyEntryBytes > 0) rules.set("cairn.account_history.v1.GetAccountHistoryResponse", historyRule);
  // Only responses whose one field is the list: their JSON is exactly {"<field>":[…]}.
  for (const [type, rule] of rules) {
    const fields = Object.keys(codec.forType(type).fns.create());
    if (fields.length !== 1 || fields[0] !== rule.field) rules.delete(type);
  }

  const blockKey = (id: unknown, height: unknown, block: boolean, receipt: boolean) => `${hex(id)} ${String(height)} ${block ? 1 : 0}${receipt ? 1 : 0}`;
  const blockMethods = new Set(["cairn.block_store.v1.GetBlocksByHeightResponse", "cairn.block_store.v1.GetBlocksByIdResponse"]);

  return {
    blocks(method, request, call) {
      if (byId === undefined || !blockMethods.has(method.output.typeName) || rules.get(method.output.typeName) !== blocksRule) return undefined;
      const r = request as { return_block?: boolean; return_receipt?: boolean };
      const wantBlock = r.return_block === true;
      const wantReceipt = r.return_receipt === true;
      if (!wantBlock && !wantReceipt) return undefined;
      return (async () => {
        // Ids and heights only, then the fragments; the missing items by id.
        const probe = (await call(method, { ...request, return_block: false, return_receipt: false })) as { block_items?: Record<string, unknown>[] };
        const items = probe.block_items ?? [];
        if (items.length === 0) return JSON.stringify(method.output.toJson(probe as Record<string, unknown>));
        const parts = new Array<string>(items.length);
        const missing: number[] = [];
        const keys = new Array<string>(items.length);
        for (let i = 0; i < items.length; i++) {
          const item = items[i]!;
          const key = (keys[i] = blockKey(item.block_id, item.block_height, wantBlock, wantReceipt));
          const text = blocksRule.lru.get(key);
          if (text === undefined) missing.push(i);
          else parts[i] = text;
        }
        if (missing.length > 0) {
          const fetched = (await call(byId, { block_ids: missing.map((i) => items[i]!.block_id), return_block: wantBlock, return_receipt: wantReceipt })) as { block_items?: Record<string, unknown>[] };
          const got = fetched.block_items ?? [];
          missing.forEach((i, k) => {
            // An item that did not come back whole (unknown id, no receipt stored) is answered as the
            // probe had it plus what came, and never cached.
            const item = got[k] ?? items[i]!;
            const text = JSON.stringify(blockItem.toJson(item));
            const whole = item.block_id instanceof Uint8Array && item.block_id.length > 0 && (!wantBlock || item.block !== undefined) && (!wantReceipt || item.receipt !== undefined);
            if (whole && hex(item.block_id) === hex(items[i]!.block_id)) blocksRule.lru.set(keys[i]!, text);
            parts[i] = text;
          });
        }
        return `{"block_items":[${parts.join(",")}]}`;
      })();
    },
    text(method, response) {
      const rule = rules.get(method.output.typeName);
      if (rule === undefined) return undefined;
      const list = (response as Record<string, unknown>)[rule.field];
      // An empty list: the codec's own text (the field may be left out).
      if (!Array.isArray(list) || list.length === 0) return undefined;
      const parts = new Array<string>(list.length);
      for (let i = 0; i < list.length; i++) {
        const item = list[i] as Record<string, unknown>;
        const own = rule.fragment?.(item);
        if (own !== undefined) {
          parts[i] = own;
          continue;
        }
        const key = rule.key(item);
        let text = rule.lru.get(key);
        if (text === undefined) {
          text = JSON.stringify(rule.item.toJson(item));
          rule.lru.set(key, text);
        }
        parts[i] = text;
      }
      return `{"${rule.field}":[${parts.join(",")}]}`;
    },
    size: () => ({ blockItems: { entries: blockItems.entries, bytes: blockItems.bytes }, historyEntries: { entries: historyEntries.entries, bytes: historyEntries.bytes } }),
  };
}

/** An answer whose JSON is parsed from its text only when asked for. */
export function lazyJsonAnswer(text: string): { readonly text: string; readonly json: JsonObject } {
  let json: JsonObject | undefined;
  return {
    text,
    get json() {
      return (json ??= JSON.parse(text) as JsonObject);
    },
  };
}
