/**
 * MempoolStore in memory: the twin of the drizzle store (same contract suite), for fast unit tests
 * and the one-process dev node. `dump()` returns the whole content as structured-cloneable data
 * (snapshots, snapshot files) and `MemoryMempoolStore.fromDump` rebuilds a store from it.
 */
import { toHex } from "@cairn/core";
import type { BlockRef } from "@cairn/protocol";
import type { LoadedMempool, MempoolStore, PendingRecord, StoreWrite } from "./store.ts";

/** The whole content of a `MemoryMempoolStore`, structured-cloneable. */
export interface MempoolStoreDump {
  version: 1;
  /** Pending records in arrival order. */
  pending: PendingRecord[];
  progress: BlockRef | undefined;
}

/** Keeps rows in a Map; `writes` counts calls to `write` (tests assert batching). */
export class MemoryMempoolStore implements MempoolStore {
  private readonly rows = new Map<string, PendingRecord>();
  private progress: BlockRef | undefined;
  /** Number of `write` calls so far. */
  writes = 0;
  /** When set, the next `write` rejects with it (then it is cleared). */
  failNextWrite: Error | undefined;

  /** A store holding `dump` (from `dump()` of this or another process). */
  static fromDump(dump: MempoolStoreDump): MemoryMempoolStore {
    if (dump.version !== 1) throw new Error(`unknown mempool store dump version ${String(dump.version)}`);
    const store = new MemoryMempoolStore();
    for (const r of dump.pending) store.rows.set(toHex(r.id), copyRecord(r));
    store.progress = dump.progress && { ...dump.progress };
    return store;
  }

  /** The whole content as plain data. */
  dump(): MempoolStoreDump {
    return { version: 1, pending: this.sorted().map(copyRecord), progress: this.progress && { ...this.progress } };
  }

  async load(): Promise<LoadedMempool> {
    return { pending: this.sorted().map(copyRecord), progress: this.progress && { ...this.progress } };
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

  private sorted(): PendingRecord[] {
    return [...this.rows.values()].sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
  }
}

function copyRecord(r: PendingRecord): PendingRecord {
  return { ...r, resources: { ...r.resources } };
}
