/**
 * Walking a block's ancestors over the `blocks` table. Near the head everything comes from the
 * `TopologyCache`; a long way down, skip pointers reach the top of the wanted range in
 * O(log distance) lookups; the range itself is walked link by link, in memory while the cache has
 * the parent, then in one recursive query for the rest.
 */
import { eq, sql } from "drizzle-orm";
import { executeRows, type CairnDb } from "@cairn/db";
import { rawBigint, rawBytes } from "./codec.ts";
import { blocks } from "./schema.ts";
import { ancestorAt, skipPointerFor, type NodeLookup, type SkipNode } from "./skip-list.ts";
import type { Topology } from "./store.ts";
import type { TopologyCache } from "./topology-cache.ts";

/** Above this distance between the head and the range, skip pointers are used to reach the range. */
export const LINEAR_WALK_LIMIT = 64n;

/** Raw nullable bytes. */
function rawOptionalBytes(value: unknown): Uint8Array | null {
  return value === null || value === undefined ? null : rawBytes(value);
}

/** Ancestor walks and skip pointers over one database, sharing one cache. */
export class Ancestry {
  constructor(
    private readonly db: CairnDb,
    private readonly cache: TopologyCache,
  ) {}

  /** A stored block's topology and skip pointer (cache, then database). */
  readonly node: NodeLookup = async (id) => {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;
    const rows = await this.db
      .select({ id: blocks.id, height: blocks.height, previous: blocks.previous, skip: blocks.skip })
      .from(blocks)
      .where(eq(blocks.id, id));
    const row = rows[0];
    if (row !== undefined) this.cache.set(row);
    return row;
  };

  /** The skip pointer of a new block (null when its parent or an ancestor on the way is unknown). */
  async skipPointer(block: Topology): Promise<Uint8Array | null> {
    const parent = block.height > 1n ? await this.node(block.previous) : undefined;
    return skipPointerFor(block.height, parent, this.node);
  }

  /**
   * Ancestors of `head` (itself included) with heights in [start, end], ascending; the part above
   * the first missing ancestor when there is a gap.
   */
  async walk(head: Topology, start: bigint, end: bigint): Promise<Topology[]> {
    let top: SkipNode = (await this.node(head.id)) ?? { ...head, skip: null };
    if (top.height - end > LINEAR_WALK_LIMIT) top = (await ancestorAt(top, end, this.node)) ?? top;
    const path: Topology[] = [];
    let current = top;
    while (current.height >= start) {
      if (current.height <= end) path.push(current);
      if (current.height === start) break;
      const parent = this.cache.get(current.previous);
      if (parent === undefined) {
        for (const row of await this.walkInDatabase(current, start, end)) {
          this.cache.set(row);
          path.push(row);
        }
        break;
      }
      if (parent.height !== current.height - 1n) break;
      current = parent;
    }
    return path.reverse().map((t) => ({ id: t.id, height: t.height, previous: t.previous }));
  }

  /**
   * The ancestors of `child` from its parent down to `start`, heights ≤ `end`, descending. Each
   * step must go down exactly one height; the walk ends at the first missing or inconsistent one.
   */
  private async walkInDatabase(child: Topology, start: bigint, end: bigint): Promise<SkipNode[]> {
    const rows = await executeRows<{ id: unknown; height: unknown; previous: unknown; skip: unknown }>(
      this.db,
      sql`with recursive walk(id, height, previous, skip) as (
            select id, height, previous, skip from ${blocks} where id = ${child.previous} and height = ${String(child.height - 1n)}::bigint
            union all
            select b.id, b.height, b.previous, b.skip from ${blocks} b join walk w on b.id = w.previous
            where w.height > ${String(start)}::bigint and b.height = w.height - 1
          )
          select id, height, previous, skip from walk where height <= ${String(end)}::bigint order by height desc`,
    );
    return rows.map((r) => ({ id: rawBytes(r.id), height: rawBigint(r.height), previous: rawBytes(r.previous), skip: rawOptionalBytes(r.skip) }));
  }
}
