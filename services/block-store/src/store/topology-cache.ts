/**
 * A bounded least-recently-used map of block topologies (id → height, previous, skip pointer), so
 * walks near the head — koilib asks `get_blocks_by_height` for one block at a time, catch-up asks
 * for short ranges — never touch the database. Stored blocks never change, so entries need no invalidation:
 * the cache only ever holds facts read from, or committed to, the database.
 */
import { toHex } from "@cairn/core";
import type { SkipNode } from "./skip-list.ts";

/** Default capacity: ~20,000 blocks is 16 hours of blocks at Koinos's 3 s interval, a few MB. */
export const DEFAULT_TOPOLOGY_CACHE_SIZE = 20_000;

/** LRU cache of topologies (with skip pointers) keyed by block id. */
export class TopologyCache {
  private readonly entries = new Map<string, SkipNode>();

  /** `capacity` 0 disables the cache. */
  constructor(readonly capacity: number = DEFAULT_TOPOLOGY_CACHE_SIZE) {}

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }

  /** The topology of block `id`, marking it recently used. */
  get(id: Uint8Array): SkipNode | undefined {
    const key = toHex(id);
    const t = this.entries.get(key);
    if (t !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, t);
    }
    return t;
  }

  /** True when `id` is cached (without touching recency). */
  has(id: Uint8Array): boolean {
    return this.entries.has(toHex(id));
  }

  /** Adds (or refreshes) a topology, evicting the least recently used beyond capacity. */
  set(t: SkipNode): void {
    if (this.capacity <= 0) return;
    const key = toHex(t.id);
    this.entries.delete(key);
    this.entries.set(key, t);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** Forgets everything (after `reset`). */
  clear(): void {
    this.entries.clear();
  }
}
