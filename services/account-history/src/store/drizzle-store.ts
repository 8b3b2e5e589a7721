/** AccountHistoryStore on Postgres or PGlite through drizzle-orm (see store.ts for the contract). */
import { and, asc, desc, eq, gt, gte, lte, sql } from "drizzle-orm";
import { bytesEqual } from "@cairn/core";
import { type CairnDb, executeRows } from "@cairn/db";
import { ZERO_ID } from "@cairn/protocol";
import type { BlockRef } from "@cairn/protocol";
import { blockHistory } from "../impacted.ts";
import { insertEntries, insertRecords } from "./bulk-insert.ts";
import { buildRows, checkLinks, impactedAddresses } from "./rows.ts";
import { blocks, entries, progress, records } from "./schema.ts";
import type { AccountHistoryStore, ApplyPlan, ApplyResult, HistoryProgress, HistoryQuery, StoredEntry } from "./store.ts";

/** The id of the one progress row. */
const PROGRESS_ID = 1;
/** Blocks per multi-row INSERT (2 columns × 1000 stays far below Postgres's 65,535 parameters). */
const INSERT_BATCH = 1000;
/** Addresses per last-seq_num lookup. */
const LOOKUP_BATCH = 1000;

const GENESIS: BlockRef = { id: ZERO_ID, height: 0n };

function sameRef(a: BlockRef, b: BlockRef): boolean {
  return a.height === b.height && bytesEqual(a.id, b.id);
}

/** Options of `DrizzleAccountHistoryStore`. */
export interface DrizzleAccountHistoryStoreOptions {
  /**
   * A streaming replica of `db` (`DatabaseHandle.readDb`) that answers `history` queries. Default:
   * `db`. The replica may be a few commits behind; the indexer's own reads (progress, applied
   * blocks) and every write stay on `db`.
   */
  readDb?: CairnDb;
}

/** The account history read model in the service's Postgres schema. */
export class DrizzleAccountHistoryStore implements AccountHistoryStore {
  private readonly readDb: CairnDb;

  constructor(
    private readonly db: CairnDb,
    options: DrizzleAccountHistoryStoreOptions = {},
  ) {
    this.readDb = options.readDb ?? db;
  }

  async progress(): Promise<HistoryProgress> {
    const row = (await this.db.select().from(progress).where(eq(progress.id, PROGRESS_ID)))[0];
    return row ? { head: { id: row.headId, height: row.headHeight }, lib: row.libHeight } : { head: GENESIS, lib: 0n };
  }

  async appliedBlocks(from: bigint, to: bigint): Promise<BlockRef[]> {
    const rows = await this.db
      .select()
      .from(blocks)
      .where(and(gte(blocks.height, from), lte(blocks.height, to)))
      .orderBy(asc(blocks.height));
    return rows.map((r) => ({ id: r.id, height: r.height }));
  }

  async apply(plan: ApplyPlan): Promise<ApplyResult> {
    return this.db.transaction(async (tx) => {
      const current = await lockProgress(tx);
      if (!sameRef(current.head, plan.expectedHead)) return { outcome: "conflict", head: current.head, reverted: 0, entries: 0 };
      let base = current.head;
      let reverted = 0;
      if (plan.revertTo && plan.revertTo.height < base.height) {
        const above = plan.revertTo.height;
        await tx.delete(entries).where(gt(entries.height, above));
        await tx.delete(records).where(gt(records.height, above));
        await tx.delete(blocks).where(gt(blocks.height, above));
        reverted = Number(base.height - above);
        base = plan.revertTo;
      }
      checkLinks(base, plan.blocks);
      const histories = plan.blocks.map(blockHistory);
      const lastSeq = await lastSeqNums(tx, impactedAddresses(histories));
      const rows = buildRows(plan.blocks, histories, lastSeq);
      for (let i = 0; i < rows.blocks.length; i += INSERT_BATCH) await tx.insert(blocks).values(rows.blocks.slice(i, i + INSERT_BATCH));
      await insertRecords(tx, rows.records);
      await insertEntries(tx, rows.entries);
      const last = plan.blocks.at(-1);
      const head = last ? { id: last.block.id, height: last.block.header?.height ?? 0n } : base;
      await tx.update(progress).set({ headId: head.id, headHeight: head.height }).where(eq(progress.id, PROGRESS_ID));
      return { outcome: "applied", head, reverted, entries: rows.entries.length };
    });
  }

  async setLib(height: bigint): Promise<void> {
    await this.db
      .insert(progress)
      .values({ id: PROGRESS_ID, headId: GENESIS.id, headHeight: GENESIS.height, libHeight: height })
      .onConflictDoUpdate({ target: progress.id, set: { libHeight: sql`greatest(${progress.libHeight}, excluded.lib_height)` } });
  }

  async history(q: HistoryQuery): Promise<StoredEntry[]> {
    if (q.limit <= 0) return [];
    const rows = await this.historyStatement(q);
    // seq_nums are dense, so the run is contiguous; Koinos returns nothing when the first entry is missing.
    const start = q.ascending ? (q.seqNum ?? 0n) : q.seqNum;
    if (start !== undefined && rows[0]?.seqNum !== start) return [];
    return rows;
  }

  /**
   * The statement behind `history` (a positive `limit`): the page first, from the entries key alone
   * (an index-only scan that stops at `limit`), then each entry's record by the records' key (one
   * applied block per height, so (height, position) names it). The record is a LATERAL subquery
   * with LIMIT 1 so that the planner cannot fold it into a plain join: the plan is then the same
   * at every size, one key lookup per entry of the page, never a hash join over the whole records
   * table and a sort (what a small store got) nor a lookup for entries past the page.
   */
  historyStatement(q: HistoryQuery) {
    const conditions = [eq(entries.address, q.address)];
    if (q.irreversible) conditions.push(lte(entries.height, sql`(select ${progress.libHeight} from ${progress} where ${progress.id} = ${PROGRESS_ID})`));
    const start = q.ascending ? (q.seqNum ?? 0n) : q.seqNum;
    if (start !== undefined) conditions.push(q.ascending ? gte(entries.seqNum, start) : lte(entries.seqNum, start));
    const order = q.ascending ? asc : desc;
    const page = this.readDb
      .select({ seqNum: entries.seqNum, height: entries.height, position: entries.position })
      .from(entries)
      .where(and(...conditions))
      .orderBy(order(entries.seqNum))
      .limit(q.limit)
      .as("page");
    const record = this.readDb
      .select({ kind: records.kind, record: records.record })
      .from(records)
      .where(and(eq(records.height, page.height), eq(records.position, page.position)))
      .limit(1)
      .as("record");
    return this.readDb
      .select({ seqNum: page.seqNum, kind: record.kind, record: record.record })
      .from(page)
      .innerJoinLateral(record, sql`true`)
      .orderBy(order(page.seqNum));
  }

  async reset(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await lockProgress(tx);
      await tx.execute(sql`truncate table ${entries}, ${records}, ${blocks}`);
      await tx.update(progress).set({ headId: GENESIS.id, headHeight: GENESIS.height }).where(eq(progress.id, PROGRESS_ID));
    });
  }
}

/** Creates the progress row if missing, then locks it for the rest of the transaction. */
async function lockProgress(tx: CairnDb): Promise<HistoryProgress> {
  await tx.insert(progress).values({ id: PROGRESS_ID, headId: GENESIS.id, headHeight: GENESIS.height, libHeight: 0n }).onConflictDoNothing();
  const row = (await tx.select().from(progress).where(eq(progress.id, PROGRESS_ID)).for("update"))[0]!;
  return { head: { id: row.headId, height: row.headHeight }, lib: row.libHeight };
}

/** The last seq_num of each address that has one (keyed like `addresses`). */
async function lastSeqNums(tx: CairnDb, addresses: Map<string, Uint8Array>): Promise<Map<string, bigint>> {
  const keys = [...addresses.keys()];
  const out = new Map<string, bigint>();
  for (let i = 0; i < keys.length; i += LOOKUP_BATCH) {
    const chunk = keys.slice(i, i + LOOKUP_BATCH);
    const values = sql.join(
      chunk.map((k, j) => sql`(${j}::int, ${addresses.get(k)!}::bytea)`),
      sql`, `,
    );
    // One index probe per address (backward scan of the primary key), not a GROUP BY over its history.
    const rows = await executeRows<{ i: number; last: string | null }>(
      tx,
      sql`select v.i as i, (select e.seq_num from ${entries} e where e.address = v.address order by e.seq_num desc limit 1)::text as last from (values ${values}) as v(i, address)`,
    );
    for (const r of rows) if (r.last !== null) out.set(chunk[Number(r.i)]!, BigInt(r.last));
  }
  return out;
}
