/**
 * An optional cache of chain-wide reads kept current from events (architecture §9: hot reads such as head
 * info "should come from state the gateway keeps current from events"). The cache follows
 * `koinos.block.>` on the bus (non-durable) and forgets everything on each block event (accept,
 * irreversible, forks); an answer is stored only if no event arrived while its call was in flight,
 * and never served older than `maxAgeMs` (bounding staleness if events are lost). It serves nothing
 * until its bus subscription is live, and subscribes on first use. It is bounded: keys are the
 * decoded request's bytes (junk params share a key), at most `maxEntries` answers are held (the
 * oldest dropped first), and requests longer than `maxKeyLength` are never stored.
 */
import type { Logger } from "@cairn/core";
import type { GatewayBus } from "../ws/hub.ts";
import type { JsonAnswer } from "./invoke.ts";
import type { TableMethod } from "./method-table.ts";

/** Options of the cache (the `readCache` section). */
export interface ReadCacheOptions {
  /** JSON-RPC methods cached (`chain.get_head_info`, ...). */
  readonly methods: readonly string[];
  /** Longest an answer is served, in ms. */
  readonly maxAgeMs: number;
  /** Most answers held at once; past it the oldest is dropped. */
  readonly maxEntries: number;
  /** Longest request key (hex of the request bytes) cached; longer requests are not cached. */
  readonly maxKeyLength?: number;
}

/** Default `maxKeyLength`: 1 KiB of hex, i.e. 512 request bytes (the cached reads take a few ids at most). */
export const DEFAULT_MAX_KEY_LENGTH = 1024;

/** The cache. */
export interface ReadCache {
  /** True when `method` is cached (and the cache may be used). */
  applies(method: TableMethod): boolean;
  /** A fresh cached answer, if any. */
  lookup(method: TableMethod, key: string): JsonAnswer | undefined;
  /** The current generation; take it before calling the service. */
  generation(): number;
  /** Stores an answer of a call started at `generation` (dropped if an event came since). */
  store(method: TableMethod, key: string, generation: number, answer: JsonAnswer): void;
  /** Answers held now. */
  size(): number;
  /** Stops following the bus. */
  close(): Promise<void>;
}

/** Subjects whose messages invalidate the cache. */
export const INVALIDATING_SUBJECTS = "koinos.block.>";

/** Builds the cache over `bus`. `now` is ms, monotonic. */
export function createReadCache(options: ReadCacheOptions, deps: { readonly bus: GatewayBus; readonly logger: Logger; readonly now?: () => number }): ReadCache {
  const now = deps.now ?? (() => performance.now());
  const methods = new Set(options.methods);
  const maxKeyLength = options.maxKeyLength ?? DEFAULT_MAX_KEY_LENGTH;
  const entries = new Map<string, { answer: JsonAnswer; at: number }>();
  let gen = 0;
  let live = false;
  let subscription: Promise<{ close(): Promise<void> }> | undefined;

  const ensure = () => {
    if (subscription !== undefined) return;
    subscription = deps.bus.subscribe(INVALIDATING_SUBJECTS, () => {
      gen++;
      entries.clear();
    }, { deliverFrom: "new" });
    subscription.then(
      () => {
        gen++;
        live = true;
      },
      (err: unknown) => {
        deps.logger.warn({ err: String(err) }, "read cache disabled: bus subscription failed");
        subscription = undefined;
      },
    );
  };

  return {
    applies(method) {
      if (!methods.has(method.name)) return false;
      ensure();
      return true;
    },
    lookup(method, key) {
      if (!live) return undefined;
      const e = entries.get(`${method.name} ${key}`);
      if (e === undefined) return undefined;
      if (now() - e.at > options.maxAgeMs) {
        entries.delete(`${method.name} ${key}`);
        return undefined;
      }
      return e.answer;
    },
    generation: () => gen,
    size: () => entries.size,
    store(method, key, generation, answer) {
      if (!live || generation !== gen || key.length > maxKeyLength) return;
      const k = `${method.name} ${key}`;
      entries.delete(k);
      while (entries.size >= options.maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
      entries.set(k, { answer, at: now() });
    },
    async close() {
      live = false;
      entries.clear();
      const s = subscription;
      subscription = undefined;
      await s?.then((x) => x.close()).catch(() => {});
    },
  };
}
