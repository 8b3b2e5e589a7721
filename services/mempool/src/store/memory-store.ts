/** MempoolStore in memory: the twin of the drizzle store for fast unit tests. */
import { toHex } from "@cairn/core";
import type { BlockRef } from "@cairn/protocol";
import type { LoadedMempool, MempoolStore, PendingRecord, StoreWrite } from "./store.ts";

/** Keeps rows in a Map; `writes` counts calls to `write` (tests assert batching). */
export class MemoryMempoolStore implements MempoolStore {
  private readonly rows = new Map<string, PendingRecord>();
  private progress: BlockRef | undefined;
  /** Number of `write` calls so far. */
  writes = 0;
  /** When set, the next `write` rejects with it (then it is cleared). */
  failNextWrite: Error | undefined;

  async load(): Promise<LoadedMempool> {
    const pending = [...this.rows.values()].sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
    return { pending: pending.map(copyRecord), progress: this.progress && { ...this.progress } };
  }

  async write(w: StoreWrite): Promise<void> {
    if (this.failNextWrite) {
      const e = this.failNextWrite;
      this.failNextWrite = undefined;
      throw e;
    }
    this.writes++;
    for (const id of w.deletes) this.rows.delete(toHex(id));
    for (const r of w.upserts) {
      const key = toHex(r.id);
      if (!this.rows.has(key)) this.rows.set(key, copyRecord(r));
    }
    if (w.progress) this.progress = { ...w.progress };
  }
}

function copyRecord(r: PendingRecord): PendingRecord {
  return { ...r, resources: { ...r.resources } };
}
