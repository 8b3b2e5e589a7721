/** MempoolStore on Postgres or PGlite through drizzle-orm (schema `mempool`). */
import { type SQL, asc, sql } from "drizzle-orm";
import type { CairnDb } from "@cairn/db";
import { pendingTransactions, progress } from "./schema.ts";
import type { LoadedMempool, MempoolStore, PendingRecord, StoreWrite } from "./store.ts";

/** Rows per INSERT: bounds the size of its one parameter (PGlite's heap is 128 MB). */
const INSERT_BATCH = 500;
/** Ids per DELETE. */
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
      for (let i = 0; i < w.deletes.length; i += DELETE_BATCH) await tx.execute(deletePending(w.deletes.slice(i, i + DELETE_BATCH)));
      for (let i = 0; i < w.upserts.length; i += INSERT_BATCH) await tx.execute(insertPending(w.upserts.slice(i, i + INSERT_BATCH)));
      if (w.progress) {
        const row = { id: PROGRESS_ROW, blockId: w.progress.id, height: w.progress.height };
        await tx.insert(progress).values(row).onConflictDoUpdate({ target: progress.id, set: { blockId: row.blockId, height: row.height } });
      }
    });
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/**
 * One INSERT of `records` (an existing id is left as it is). The rows travel as one JSON text
 * parameter (bytes as hex) expanded by `json_to_recordset`, as the block store's transactions do:
 * a multi-row VALUES list of 14 parameters a row costs drizzle tens of µs a row to build, on the
 * path of every accepted transaction. Values go through the columns' own driver mapping first
 * (the uint64 range check).
 */
function insertPending(records: readonly PendingRecord[]): SQL {
  const c = pendingTransactions;
  const rows = JSON.stringify(
    records.map((r) => ({
      i: hex(r.id),
      p: hex(r.payer),
      a: hex(r.nonceAccount),
      n: String(r.nonce),
      rc: c.rcUsed.mapToDriverValue(r.rcUsed),
      d: c.diskStorageUsed.mapToDriverValue(r.resources.diskStorageUsed),
      nb: c.networkBandwidthUsed.mapToDriverValue(r.resources.networkBandwidthUsed),
      cb: c.computeBandwidthUsed.mapToDriverValue(r.resources.computeBandwidthUsed),
      sd: c.systemDiskStorageUsed.mapToDriverValue(r.resources.systemDiskStorageUsed),
      sn: c.systemNetworkBandwidthUsed.mapToDriverValue(r.resources.systemNetworkBandwidthUsed),
      sc: c.systemComputeBandwidthUsed.mapToDriverValue(r.resources.systemComputeBandwidthUsed),
      t: hex(r.transaction),
      s: String(r.sequence),
      at: String(r.receivedAt),
    })),
  );
  return sql`insert into ${c} (id, payer, nonce_account, nonce, rc_used, disk_storage_used, network_bandwidth_used, compute_bandwidth_used,
      system_disk_storage_used, system_network_bandwidth_used, system_compute_bandwidth_used, transaction, sequence, received_at)
    select decode(x.i, 'hex'), decode(x.p, 'hex'), decode(x.a, 'hex'), x.n::bigint, x.rc::numeric(20, 0), x.d::numeric(20, 0), x.nb::numeric(20, 0),
      x.cb::numeric(20, 0), x.sd::numeric(20, 0), x.sn::numeric(20, 0), x.sc::numeric(20, 0), decode(x.t, 'hex'), x.s::bigint, x.at::bigint
    from json_to_recordset(${rows}::json) as x(i text, p text, a text, n text, rc text, d text, nb text, cb text, sd text, sn text, sc text, t text, s text, at text)
    on conflict do nothing`;
}

/** One DELETE of the rows with these ids (one JSON parameter, hex). */
function deletePending(ids: readonly Uint8Array[]): SQL {
  return sql`delete from ${pendingTransactions} where id in (select decode(x, 'hex') from json_array_elements_text(${JSON.stringify(ids.map(hex))}::json) as x)`;
}
