/**
 * `AccountHistoryStore` in memory, for the one-process dev node: same contract suite as
 * `DrizzleAccountHistoryStore`. Built to hold hundreds of thousands of records lean:
 *
 * - the applied blocks are heights 1 … head (every plan extends the head), so they are an array
 *   indexed by height;
 * - records are appended, in block order, to byte chunks (no object per record) with their place,
 *   kind, height and position in number columns; a full chunk is sealed zstd-compressed (records
 *   shrink ~8×: addresses and receipts repeat), and a read opens one chunk; a fork revert
 *   truncates them;
 * - sealed chunks read lately stay decompressed in a bounded LRU cache (`chunkCacheBytes`), so
 *   pages over the same chunks do not decompress them again;
 * - an address's entries are the record numbers it appears in, in seq_num order (seq_num = index),
 *   so a history page is a slice, whatever the store's size;
 * - the number columns and entry lists are @cairn/core `IntColumn`s (typed arrays, 4 bytes a
 *   number) and the block ids a `ByteArena`: no object per block or record.
 *
 * `apply` checks everything that can fail before changing anything, so it is atomic as the
 * database transaction is. `dump()` returns the whole content as structured-cloneable data — the
 * chunks (sealed ones still compressed) and number columns themselves — and
 * `MemoryAccountHistoryStore.fromDump` takes them as they are, nothing decompressed or compressed
 * again (a dev node's start on a long chain). It still reads the first dump version (the records
 * decompressed into one buffer, added again one by one).
 */
import { ByteArena, type ByteArenaDump, IntColumn, bytesEqual, bytesKey } from "@cairn/core";
import { ZERO_ID, type BlockRef } from "@cairn/protocol";
import { blockHistory, type RecordKind } from "../impacted.ts";
import { checkLinks } from "./rows.ts";
import type { AccountHistoryStore, ApplyPlan, ApplyResult, HistoryProgress, HistoryQuery, StoredEntry } from "./store.ts";

/** Default bytes per record chunk (a record larger than a chunk gets a chunk of its own size). */
export const DEFAULT_CHUNK_BYTES = 1 << 16;
/** Bytes per buffer of the sealed chunks' arena. */
const SEALED_ARENA_BYTES = 1 << 20;
/** zstd level of sealed chunks: the fastest. */
const ZSTD_LEVEL = 1;
/** Default byte budget of decompressed chunks kept (8 MiB: 128 chunks of the default size). */
export const DEFAULT_CHUNK_CACHE_BYTES = 8 * 1024 * 1024;
const KINDS: readonly RecordKind[] = ["block", "trx"];

/** The whole content of a `MemoryAccountHistoryStore`, structured-cloneable: what `dump()` writes. */
export interface AccountHistoryDump {
  version: 2;
  head: BlockRef;
  lib: bigint;
  /** Applied block ids, entry = height - 1. */
  blocks: ByteArenaDump;
  /** The record chunks: every one but the last sealed (zstd-compressed), the last open, exactly its filled bytes. */
  chunks: Uint8Array[];
  // Per record (by number): its chunk, where its bytes lie in it, kind (0 block, 1 trx), height and position in its block.
  recChunk: Int32Array;
  recStart: Int32Array;
  recEnd: Int32Array;
  recKind: Int32Array;
  recHeight: Float64Array;
  recPosition: Int32Array;
  /** Per address: the record numbers of its entries, in seq_num order. */
  entries: { address: Uint8Array; records: Int32Array }[];
}

/** The first dump version (still read): the records decompressed into one buffer, added again on reading. */
export interface AccountHistoryDumpV1 {
  version: 1;
  head: BlockRef;
  lib: bigint;
  /** Applied block ids, index = height - 1. */
  blocks: Uint8Array[];
  /** Records in order: their bytes concatenated, each one's length, kind (0 block, 1 trx), height and position in its block. */
  recordBytes: Uint8Array;
  recordLengths: number[];
  recordKinds: number[];
  recordHeights: number[];
  recordPositions: number[];
  /** Per address: the record numbers of its entries, in seq_num order. */
  entries: { address: Uint8Array; records: number[] }[];
}

/** Options of `MemoryAccountHistoryStore`. */
export interface MemoryAccountHistoryStoreOptions {
  /** Bytes per record chunk. Default `DEFAULT_CHUNK_BYTES`; tests use tiny ones to seal often. */
  chunkBytes?: number;
  /**
   * Bytes of decompressed sealed chunks kept for reads (least recently used dropped first; the
   * last one read is always kept). Default `DEFAULT_CHUNK_CACHE_BYTES`; 0 keeps only the last.
   */
  chunkCacheBytes?: number;
}

/** The account history read model in memory. */
export class MemoryAccountHistoryStore implements AccountHistoryStore {
  private readonly chunkBytes: number;
  private readonly chunkCacheBytes: number;
  private head: BlockRef = { id: ZERO_ID, height: 0n };
  private lib = 0n;
  /** Applied block ids, index = height - 1. */
  private blocks = new ByteArena();
  // Records by number: where their bytes lie, kind, height, position in the block.
  /**
   * Sealed chunks (zstd-compressed), chunk i at entry i, packed into an arena of large buffers: as
   * one small buffer each (thousands after 100,000 transfers) they outlived the garbage around them
   * and kept heap pages resident. The open chunk is number `sealed.length`, `used` bytes filled.
   */
  private sealed = new ByteArena(SEALED_ARENA_BYTES);
  private open: Uint8Array | undefined;
  private used = 0;
  /** Sealed chunks read lately, decompressed, by index; Map order is recency (oldest first). */
  private opened = new Map<number, Uint8Array>();
  private openedBytes = 0;
  private recChunk = new IntColumn();
  private recStart = new IntColumn();
  private recEnd = new IntColumn();
  private recKind = new IntColumn();
  private recHeight = new IntColumn("float64");
  private recPosition = new IntColumn();
  /** Per address (`bytesKey`): the address and its entries' record numbers, index = seq_num. */
  private entries = new Map<string, { address: Uint8Array; records: IntColumn }>();

  constructor(options: MemoryAccountHistoryStoreOptions = {}) {
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.chunkCacheBytes = options.chunkCacheBytes ?? DEFAULT_CHUNK_CACHE_BYTES;
  }

  /**
   * A store holding `dump` (from `dump()` of this or another process): the sealed chunks copied
   * into the arena (~15 MB after 100,000 transfers: milliseconds), the open chunk and the number
   * columns copied.
   */
  static fromDump(dump: AccountHistoryDump | AccountHistoryDumpV1, options: MemoryAccountHistoryStoreOptions = {}): MemoryAccountHistoryStore {
    const store = new MemoryAccountHistoryStore(options);
    store.head = { id: dump.head.id, height: dump.head.height };
    store.lib = dump.lib;
    if (dump.version === 1) {
      for (const id of dump.blocks) store.blocks.push(id);
      let offset = 0;
      for (let r = 0; r < dump.recordLengths.length; r++) {
        const length = dump.recordLengths[r]!;
        store.addRecord(dump.recordBytes.subarray(offset, offset + length), dump.recordKinds[r]!, dump.recordHeights[r]!, dump.recordPositions[r]!);
        offset += length;
      }
      for (const e of dump.entries) {
        const records = new IntColumn();
        for (const r of e.records) records.push(r);
        store.entries.set(bytesKey(e.address), { address: e.address, records });
      }
      return store;
    }
    if (dump.version !== 2) throw new Error(`unknown account history dump version ${String((dump as { version: unknown }).version)}`);
    store.blocks = ByteArena.fromDump(dump.blocks);
    const open = dump.chunks.at(-1);
    for (let i = 0; i < dump.chunks.length - 1; i++) store.sealed.push(dump.chunks[i]!);
    if (open !== undefined) {
      // The open chunk goes on filling up to the usual size.
      store.open = new Uint8Array(Math.max(store.chunkBytes, open.length));
      store.open.set(open);
      store.used = open.length;
    }
    store.recChunk = IntColumn.from(dump.recChunk);
    store.recStart = IntColumn.from(dump.recStart);
    store.recEnd = IntColumn.from(dump.recEnd);
    store.recKind = IntColumn.from(dump.recKind);
    store.recHeight = IntColumn.from(dump.recHeight);
    store.recPosition = IntColumn.from(dump.recPosition);
    for (const e of dump.entries) store.entries.set(bytesKey(e.address), { address: e.address, records: IntColumn.from(e.records) });
    return store;
  }

  /** The whole content as plain data, the chunks copied out (`dumpChunks`). */
  dump(): AccountHistoryDump {
    return {
      version: 2,
      head: { id: this.head.id, height: this.head.height },
      lib: this.lib,
      blocks: this.blocks.dump(),
      chunks: this.dumpChunks(),
      recChunk: this.recChunk.values() as Int32Array,
      recStart: this.recStart.values() as Int32Array,
      recEnd: this.recEnd.values() as Int32Array,
      recKind: this.recKind.values() as Int32Array,
      recHeight: this.recHeight.values() as Float64Array,
      recPosition: this.recPosition.values() as Int32Array,
      entries: [...this.entries.values()].map((e) => ({ address: e.address, records: e.records.values() as Int32Array })),
    };
  }

  async progress(): Promise<HistoryProgress> {
    return { head: { id: this.head.id, height: this.head.height }, lib: this.lib };
  }

  async appliedBlocks(from: bigint, to: bigint): Promise<BlockRef[]> {
    const out: BlockRef[] = [];
    const first = from < 1n ? 1 : Number(from);
    const last = to > BigInt(this.blocks.length) ? this.blocks.length : Number(to);
    for (let h = first; h <= last; h++) out.push({ id: this.blocks.get(h - 1).slice(), height: BigInt(h) });
    return out;
  }

  async apply(plan: ApplyPlan): Promise<ApplyResult> {
    if (this.head.height !== plan.expectedHead.height || !bytesEqual(this.head.id, plan.expectedHead.id)) return { outcome: "conflict", head: await this.progress().then((p) => p.head), reverted: 0, entries: 0 };
    const revert = plan.revertTo !== undefined && plan.revertTo.height < this.head.height ? plan.revertTo : undefined;
    const base = revert ?? this.head;
    // Everything that can throw, before anything changes.
    checkLinks(base, plan.blocks);
    const histories = plan.blocks.map(blockHistory);
    const reverted = revert ? Number(this.head.height - revert.height) : 0;
    if (revert) this.truncate(Number(revert.height));
    let written = 0;
    plan.blocks.forEach(({ block }, i) => {
      const height = Number(block.header?.height ?? 0n);
      this.blocks.push(block.id);
      for (const r of histories[i]!) {
        const n = this.addRecord(r.record, r.kind === "block" ? 0 : 1, height, r.position);
        for (const address of r.impacted) {
          const key = bytesKey(address);
          let list = this.entries.get(key);
          if (list === undefined) this.entries.set(key, (list = { address: address.slice(), records: new IntColumn() }));
          list.records.push(n);
          written++;
        }
      }
    });
    const last = plan.blocks.at(-1);
    if (last) this.head = { id: last.block.id.slice(), height: last.block.header?.height ?? 0n };
    else if (revert) this.head = { id: revert.id.slice(), height: revert.height };
    return { outcome: "applied", head: { ...this.head }, reverted, entries: written };
  }

  async setLib(height: bigint): Promise<void> {
    if (height > this.lib) this.lib = height;
  }

  async history(q: HistoryQuery): Promise<StoredEntry[]> {
    if (q.limit <= 0) return [];
    const records = this.entries.get(bytesKey(q.address))?.records;
    if (records === undefined || records.length === 0) return [];
    const visible = (seq: number) => !q.irreversible || BigInt(this.recHeight.at(records.at(seq))) <= this.lib;
    const out: StoredEntry[] = [];
    const push = (seq: number) => {
      const r = records.at(seq);
      out.push({ seqNum: BigInt(seq), kind: KINDS[this.recKind.at(r)]!, record: this.record(r).slice() });
    };
    if (q.ascending) {
      const start = q.seqNum ?? 0n;
      if (start >= BigInt(records.length) || !visible(Number(start))) return [];
      for (let s = Number(start); s < records.length && out.length < q.limit && visible(s); s++) push(s);
      return out;
    }
    let start: number;
    if (q.seqNum !== undefined) {
      if (q.seqNum >= BigInt(records.length) || !visible(Number(q.seqNum))) return [];
      start = Number(q.seqNum);
    } else {
      // The newest visible entry: heights rise with seq_num, so search from the end.
      start = records.length - 1;
      if (q.irreversible) {
        let lo = 0;
        let hi = records.length; // first invisible
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (visible(mid)) lo = mid + 1;
          else hi = mid;
        }
        start = lo - 1;
      }
    }
    for (let s = start; s >= 0 && out.length < q.limit; s--) push(s);
    return out;
  }

  async reset(): Promise<void> {
    this.truncate(0);
    this.entries.clear();
    this.head = { id: ZERO_ID, height: 0n };
  }

  /** Appends a record's bytes (copied into the chunks); returns its number. */
  private addRecord(bytes: Uint8Array, kind: number, height: number, position: number): number {
    let chunk = this.open;
    if (chunk === undefined || this.used + bytes.length > chunk.length) {
      if (chunk !== undefined) this.sealed.push(Bun.zstdCompressSync(chunk.subarray(0, this.used), { level: ZSTD_LEVEL }));
      chunk = this.open = new Uint8Array(Math.max(this.chunkBytes, bytes.length));
      this.used = 0;
    }
    chunk.set(bytes, this.used);
    this.recChunk.push(this.sealed.length);
    this.recStart.push(this.used);
    this.recEnd.push(this.used + bytes.length);
    this.recKind.push(kind);
    this.recHeight.push(height);
    this.recPosition.push(position);
    this.used += bytes.length;
    return this.recChunk.length - 1;
  }

  /** The bytes of record `r` (a view: copy before handing it out). */
  private record(r: number): Uint8Array {
    return this.chunk(this.recChunk.at(r)).subarray(this.recStart.at(r), this.recEnd.at(r));
  }

  /** Chunk `index`'s bytes: the open one as is, a sealed one decompressed (kept in the LRU cache). */
  private chunk(index: number): Uint8Array {
    if (index === this.sealed.length) return this.open!;
    let bytes = this.opened.get(index);
    if (bytes !== undefined) {
      // Most recently used goes last.
      this.opened.delete(index);
      this.opened.set(index, bytes);
      return bytes;
    }
    bytes = Bun.zstdDecompressSync(this.sealed.get(index));
    this.opened.set(index, bytes);
    this.openedBytes += bytes.length;
    for (const [i, b] of this.opened) {
      if (this.openedBytes <= this.chunkCacheBytes || i === index) break;
      this.opened.delete(i);
      this.openedBytes -= b.length;
    }
    return bytes;
  }

  /** The chunks as a dump holds them: the sealed ones copied out of the arena, then the open one's filled bytes. */
  private dumpChunks(): Uint8Array[] {
    const chunks = Array.from({ length: this.sealed.length }, (_, i) => this.sealed.get(i).slice());
    if (this.open !== undefined) chunks.push(this.open.slice(0, this.used));
    return chunks;
  }

  /** Decompressed sealed chunks cached now: how many and their bytes. */
  chunkCacheSize(): { chunks: number; bytes: number } {
    return { chunks: this.opened.size, bytes: this.openedBytes };
  }

  /** Drops every block, record and entry above `height`. */
  private truncate(height: number): void {
    this.blocks.truncate(height);
    // Records are in height order: the first one above `height` and everything after it go.
    let keep = this.recHeight.length;
    while (keep > 0 && this.recHeight.at(keep - 1) > height) keep--;
    if (keep === this.recHeight.length) return;
    const chunk = this.recChunk.at(keep);
    if (chunk < this.sealed.length) {
      // Reopen a sealed chunk: decompressed into an open one of the usual size.
      const bytes = this.chunk(chunk);
      const open = new Uint8Array(Math.max(this.chunkBytes, bytes.length));
      open.set(bytes);
      this.open = open;
      this.sealed.truncate(chunk);
    }
    // Chunk `chunk` is open again and those after it are gone: their cached copies go too.
    for (const [i, b] of this.opened) {
      if (i < chunk) continue;
      this.opened.delete(i);
      this.openedBytes -= b.length;
    }
    this.used = this.recStart.at(keep);
    for (const column of [this.recChunk, this.recStart, this.recEnd, this.recKind, this.recHeight, this.recPosition]) column.length = keep;
    for (const [key, e] of this.entries) {
      while (e.records.length > 0 && e.records.at(e.records.length - 1) >= keep) e.records.length = e.records.length - 1;
      if (e.records.length === 0) this.entries.delete(key);
    }
  }
}
