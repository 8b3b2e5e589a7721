/**
 * Write-behind for the pending table: additions and removals that do not end a block are
 * coalesced by id and committed together shortly after (architecture §9: never one commit per
 * transaction); a block's write (`flush(progress)`) commits whatever is buffered with the block's
 * removals and the progress row in one transaction. An addition is committed before its
 * `koinos.transaction.accept` is acknowledged (the controller flushes before resolving; flushes
 * run one after another, so the additions of accepts handled together wait in the buffer while a
 * commit runs and go in the next one — group commit — and a flush finding its change already
 * committed returns at once; a failed batch is put back and its callers reject), so only
 * removals ride behind: a crash can at worst bring back a transaction a later block or sweep
 * removes again.
 */
import { type Logger, Mutex } from "@cairn/core";
import type { BlockRef } from "@cairn/protocol";
import type { MempoolStore, PendingRecord } from "./store/store.ts";

interface Op {
  id: Uint8Array;
  /** The row to have, or null for none. */
  record: PendingRecord | null;
}

/** Options of the write-behind buffer. */
export interface WriteBehindOptions {
  /** How long buffered changes wait for company before they are committed, ms. */
  delayMs: number;
  /** Wait after a failed background commit before the next attempt, ms. */
  retryMs: number;
}

/** Buffers row changes and commits them in batches. */
export class WriteBehind {
  private ops = new Map<string, Op>();
  private readonly mutex = new Mutex();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly store: MempoolStore,
    private readonly opts: WriteBehindOptions,
    private readonly logger: Logger,
  ) {}

  /** Changes not yet committed. */
  get buffered(): number {
    return this.ops.size;
  }

  /** The row `record` should exist. */
  put(idHex: string, record: PendingRecord): void {
    this.ops.set(idHex, { id: record.id, record });
    this.schedule(this.opts.delayMs);
  }

  /** The row with this id should not exist. */
  delete(idHex: string, id: Uint8Array): void {
    this.ops.set(idHex, { id, record: null });
    this.schedule(this.opts.delayMs);
  }

  /** Commits everything buffered (and `progress`, when given) in one transaction. */
  flush(progress?: BlockRef): Promise<void> {
    return this.mutex.run(async () => {
      if (this.ops.size === 0 && !progress) return;
      const batch = this.ops;
      this.ops = new Map();
      const upserts: PendingRecord[] = [];
      const deletes: Uint8Array[] = [];
      for (const op of batch.values()) {
        if (op.record) upserts.push(op.record);
        else deletes.push(op.id);
      }
      try {
        await this.store.write({ upserts, deletes, progress });
      } catch (err) {
        // Put the batch back under any newer change of the same id, then retry later.
        for (const [k, op] of batch) if (!this.ops.has(k)) this.ops.set(k, op);
        this.schedule(this.opts.retryMs);
        throw err;
      }
    });
  }

  /** Stops the background timer; a final `flush()` is the caller's. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((err) => this.logger.error({ err: String(err), buffered: this.ops.size }, "pending write failed"));
    }, ms);
    this.timer.unref?.();
  }
}
