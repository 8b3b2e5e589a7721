/** MempoolStore on Postgres or PGlite through drizzle-orm (schema `mempool`). */
import { asc, inArray } from "drizzle-orm";
import type { CairnDb } from "@cairn/db";
import { pendingTransactions, progress } from "./schema.ts";
import type { LoadedMempool, MempoolStore, PendingRecord, StoreWrite } from "./store.ts";

/** Rows per multi-row INSERT: 14 parameters each, far below Postgres's 65,535. */
const INSERT_BATCH = 500;
/** Ids per `DELETE … WHERE id IN (…)`. */
const DELETE_BATCH = 500;
/** The progress table's only row. */
const PROGRESS_ROW = 1;

/** Reads and writes the mempool's tables through a `CairnDb`. */
export class DrizzleMempoolStore implements MempoolStore {
  constructor(private readonly db: CairnDb) {}

  async load(): Promise<LoadedMempool> {
    const rows = await this.db.select().from(pendingTransactions).orderBy(asc(pendingTransactions.sequence));
    const p = (await this.db.select().from(progress))[0];
    return {
      pending: rows.map((r) => ({
        id: r.id,
        payer: r.payer,
        nonceAccount: r.nonceAccount,
        nonce: r.nonce,
        rcUsed: r.rcUsed,
        resources: {
          diskStorageUsed: r.diskStorageUsed,
          networkBandwidthUsed: r.networkBandwidthUsed,
          computeBandwidthUsed: r.computeBandwidthUsed,
          systemDiskStorageUsed: r.systemDiskStorageUsed,
          systemNetworkBandwidthUsed: r.systemNetworkBandwidthUsed,
          systemComputeBandwidthUsed: r.systemComputeBandwidthUsed,
        },
        transaction: r.transaction,
        sequence: r.sequence,
        receivedAt: Number(r.receivedAt),
      })),
      progress: p ? { id: p.blockId, height: p.height } : undefined,
    };
  }

  async write(w: StoreWrite): Promise<void> {
    if (w.upserts.length === 0 && w.deletes.length === 0 && !w.progress) return;
    await this.db.transaction(async (tx) => {
      for (let i = 0; i < w.deletes.length; i += DELETE_BATCH) {
        await tx.delete(pendingTransactions).where(inArray(pendingTransactions.id, w.deletes.slice(i, i + DELETE_BATCH)));
      }
      for (let i = 0; i < w.upserts.length; i += INSERT_BATCH) {
        await tx
          .insert(pendingTransactions)
          .values(w.upserts.slice(i, i + INSERT_BATCH).map(toRow))
          .onConflictDoNothing();
      }
      if (w.progress) {
        const row = { id: PROGRESS_ROW, blockId: w.progress.id, height: w.progress.height };
        await tx.insert(progress).values(row).onConflictDoUpdate({ target: progress.id, set: { blockId: row.blockId, height: row.height } });
      }
    });
  }
}

function toRow(r: PendingRecord): typeof pendingTransactions.$inferInsert {
  return {
    id: r.id,
    payer: r.payer,
    nonceAccount: r.nonceAccount,
    nonce: r.nonce,
    rcUsed: r.rcUsed,
    ...r.resources,
    transaction: r.transaction,
    sequence: r.sequence,
    receivedAt: BigInt(r.receivedAt),
  };
}
