/**
 * A durable append-only journal in a directory of segment files (see format.ts for the framing).
 *
 * - Group commit: appends made while a write is in flight are gathered and written together with
 *   one `fdatasync`; each append resolves with its sequence number only after the fsync that
 *   covers it, so a resolved append survives `kill -9` and power loss (as far as the disk keeps
 *   its promise). Writes and fsyncs run on the thread pool, never blocking the event loop.
 * - Segments: a new file is started once the current one passes `maxSegmentBytes` (the directory
 *   is fsynced so the new name survives too); whole segments before a point can be removed.
 * - Recovery at open: every segment is read and checked. A torn or corrupt tail of the LAST
 *   segment (a write the crash cut short, never acknowledged) is truncated away; corruption in an
 *   earlier segment is an error naming the file and offset, since records after it exist.
 * - A failed write or fsync fails the pending appends and every later one: the journal cannot
 *   know what reached the disk, so it stops rather than acknowledge out of order.
 */
import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readdirSync, unlinkSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { join, resolve } from "node:path";
import { closed, corrupt, tooLarge, writeFailed } from "./errors.ts";
import { DEFAULT_MAX_RECORD_BYTES, decodeRecord, encodeRecord, parseSegmentName, segmentName } from "./format.ts";

/** Default size after which a new segment starts: 64 MiB. */
export const DEFAULT_MAX_SEGMENT_BYTES = 64 * 1024 * 1024;

export interface JournalOptions {
  /** Size after which appends go to a new segment. Default {@link DEFAULT_MAX_SEGMENT_BYTES}. */
  maxSegmentBytes?: number;
  /** Largest payload. Default 64 MiB. */
  maxRecordBytes?: number;
  /**
   * The sequence the journal has reached at least (e.g. the position of the snapshot the caller
   * holds): an empty or shorter journal continues numbering after it, so new records are never
   * numbered as if they came before that snapshot.
   */
  minLastSeq?: number;
}

/** One record read back. */
export interface JournalRecord {
  readonly seq: number;
  readonly data: Uint8Array;
}

/** What recovery found at open. */
export interface RecoveryReport {
  /** Segments found. */
  segments: number;
  /** Records kept. */
  records: number;
  /** Bytes cut from the last segment's torn tail (0 when it ended cleanly). */
  truncatedBytes: number;
  /** Why the tail was cut, when it was. */
  truncatedBecause?: string;
}

export interface Journal {
  readonly dir: string;
  /** The sequence of the last record appended (durable or not); 0 when none ever was. */
  readonly lastSeq: number;
  /** The sequence of the last durable record. */
  readonly durableSeq: number;
  /** What recovery found at open. */
  readonly recovery: RecoveryReport;
  /** Appends made and fsyncs done since open (appends per fsync: how well group commit batches). */
  readonly stats: { readonly appends: number; readonly syncs: number };
  /** Appends `data`; resolves with its sequence once it is on disk (fsynced). */
  append(data: Uint8Array): Promise<number>;
  /** Durable records with sequence ≥ `fromSeq`, in order (read from the segment files). */
  read(fromSeq?: number): Generator<JournalRecord>;
  /** Starts a new segment at the next append (so everything before can be removed). */
  rotate(): void;
  /** Deletes the segments whose records all come before `seq` (never the current one); resolves with how many. */
  removeBefore(seq: number): Promise<number>;
  /** Waits for pending appends, then closes. Later appends fail. */
  close(): Promise<void>;
}

interface Segment {
  firstSeq: number;
  path: string;
}

interface Pending {
  seq: number;
  bytes: Uint8Array;
  resolve(seq: number): void;
  reject(e: unknown): void;
}

/** Opens (creating if needed) the journal in `dir`, recovering from an unclean stop. */
export async function openJournal(dir: string, options: JournalOptions = {}): Promise<Journal> {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  const maxRecord = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const maxSegment = options.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT_BYTES;
  const segments: Segment[] = readdirSync(root)
    .map((name) => ({ name, firstSeq: parseSegmentName(name) }))
    .filter((s): s is { name: string; firstSeq: number } => s.firstSeq !== undefined)
    .sort((a, b) => a.firstSeq - b.firstSeq)
    .map((s) => ({ firstSeq: s.firstSeq, path: join(root, s.name) }));

  // Recovery: check every record; cut a torn tail off the last segment.
  const report: RecoveryReport = { segments: segments.length, records: 0, truncatedBytes: 0 };
  let lastSeq = 0;
  let tailSize = 0;
  let tailNext = 1;
  segments.forEach((segment, i) => {
    const bytes = readFileSync(segment.path);
    const isLast = i === segments.length - 1;
    let offset = 0;
    let expected = segment.firstSeq;
    while (offset < bytes.length) {
      const r = decodeRecord(bytes, offset, maxRecord);
      const why = !r.ok ? r.why : r.seq !== expected ? `sequence ${r.seq} where ${expected} was due` : undefined;
      if (why !== undefined) {
        if (!isLast) throw corrupt(segment.path, offset, why);
        const fd = openSync(segment.path, "r+");
        try {
          ftruncateSync(fd, offset);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        report.truncatedBytes = bytes.length - offset;
        report.truncatedBecause = why;
        break;
      }
      if (r.ok) offset = r.next;
      expected++;
      report.records++;
    }
    lastSeq = Math.max(lastSeq, expected - 1);
    if (isLast) {
      tailSize = offset;
      tailNext = expected;
    }
  });
  if (options.minLastSeq !== undefined && options.minLastSeq > lastSeq) lastSeq = options.minLastSeq;

  return new FileJournal(root, segments, lastSeq, { size: tailSize, next: tailNext }, report, maxSegment, maxRecord);
}

function syncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

class FileJournal implements Journal {
  durableSeq: number;
  readonly stats = { appends: 0, syncs: 0 };
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private handle: FileHandle | undefined;
  private failure: unknown;
  private closing = false;
  private rotateNext = false;

  constructor(
    readonly dir: string,
    private readonly segments: Segment[],
    public lastSeq: number,
    /** The last segment: its bytes, and the sequence its next record would have. */
    private tail: { size: number; next: number },
    readonly recovery: RecoveryReport,
    private readonly maxSegment: number,
    private readonly maxRecord: number,
  ) {
    this.durableSeq = lastSeq;
  }

  append(data: Uint8Array): Promise<number> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(closed());
    if (data.length > this.maxRecord) return Promise.reject(tooLarge(data.length, this.maxRecord));
    const seq = ++this.lastSeq;
    this.stats.appends++;
    const bytes = encodeRecord(seq, data);
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ seq, bytes, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  *read(fromSeq = 1): Generator<JournalRecord> {
    const upTo = this.durableSeq;
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i]!;
      const next = this.segments[i + 1];
      if (next !== undefined && next.firstSeq <= fromSeq) continue;
      if (segment.firstSeq > upTo) return;
      const bytes = readFileSync(segment.path);
      let offset = 0;
      while (offset < bytes.length) {
        const r = decodeRecord(bytes, offset, this.maxRecord);
        if (!r.ok) throw corrupt(segment.path, offset, r.why);
        if (r.seq > upTo) return;
        if (r.seq >= fromSeq) yield { seq: r.seq, data: r.payload };
        offset = r.next;
      }
    }
  }

  rotate(): void {
    this.rotateNext = true;
  }

  async removeBefore(seq: number): Promise<number> {
    let removed = 0;
    while (this.segments.length > 1 && this.segments[1]!.firstSeq <= seq) {
      const [gone] = this.segments.splice(0, 1);
      unlinkSync(gone!.path);
      removed++;
    }
    if (removed > 0) syncDir(this.dir);
    return removed;
  }

  async close(): Promise<void> {
    this.closing = true;
    while (this.flushing) await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }

  /** Writes and fsyncs what is pending, batch after batch, until nothing is. */
  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await this.writeBatch(batch);
        } catch (e) {
          this.failure = writeFailed(this.segments.at(-1)?.path ?? this.dir, e);
          for (const p of [...batch, ...this.pending]) p.reject(this.failure);
          this.pending = [];
          await this.handle?.close().catch(() => undefined);
          this.handle = undefined;
          return;
        }
        this.durableSeq = batch.at(-1)!.seq;
        for (const p of batch) p.resolve(p.seq);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const size = batch.reduce((n, p) => n + p.bytes.length, 0);
    const current = this.segments.at(-1);
    const firstSeq = batch[0]!.seq;
    if (!this.handle || !current || this.tail.size >= this.maxSegment || this.rotateNext) await this.startSegment(firstSeq, current);
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const p of batch) {
      bytes.set(p.bytes, at);
      at += p.bytes.length;
    }
    let written = 0;
    while (written < size) written += (await this.handle!.write(bytes, written, size - written)).bytesWritten;
    await this.handle!.datasync();
    this.stats.syncs++;
    this.tail = { size: this.tail.size + size, next: batch.at(-1)!.seq + 1 };
  }

  /**
   * Opens the segment to append to: the last one while it has room and `firstSeq` follows its
   * records, else a new one (an empty last segment that cannot continue is replaced).
   */
  private async startSegment(firstSeq: number, current: Segment | undefined): Promise<void> {
    const fits = current !== undefined && this.tail.next === firstSeq && this.tail.size < this.maxSegment && !this.rotateNext;
    if (fits && !this.handle) {
      this.handle = await open(current.path, "a");
      return;
    }
    await this.handle?.close();
    this.handle = undefined;
    if (current && this.tail.size === 0) {
      this.segments.pop();
      unlinkSync(current.path);
    }
    const segment = { firstSeq, path: join(this.dir, segmentName(firstSeq)) };
    this.handle = await open(segment.path, "a");
    this.segments.push(segment);
    this.tail = { size: 0, next: firstSeq };
    this.rotateNext = false;
    syncDir(this.dir);
  }
}
