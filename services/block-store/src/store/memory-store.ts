/**
 * `BlockStore` in memory, for the one-process dev node: same contract suite as `DrizzleBlockStore`.
 * Built to hold hundreds of thousands of blocks lean and fast:
 *
 * - a block is kept as its encoded bytes, zstd-compressed (one `Uint8Array`, receipt likewise:
 *   receipts shrink ~6×, blocks ~2×, for ~1 ms per MB) in columns indexed by storing order
 *   (`seq`), not as decoded objects; reads decompress what they return (decoded on access only);
 * - a transaction is a slice of its first containing block's bytes (found with `wire.ts`), so it
 *   costs three numbers and a map key, not a second copy;
 * - the main chain (the highest committed block and its ancestors) is an array by height, so a walk
 *   from a head on it reads its range directly;
 * - nothing is an object per block or transaction: ids, bytes and numbers live in @cairn/core's
 *   compact containers (`BytesTable` maps block and transaction ids to their seq or slot, the
 *   bytes are appended to `ByteArena`s, the numbers to typed-array `IntColumn`s);
 * - other ancestor walks reach a deep range through skip pointers (`skip-list.ts`) in O(log distance)
 *   steps, so reads stay as fast at a million blocks as at a thousand.
 *
 * `dump()` returns the whole content as structured-cloneable data (snapshots, snapshot files): the
 * columns and indexes themselves, a few large buffers, so `MemoryBlockStore.fromDump` takes them as
 * they are — no block is decompressed, decoded or indexed again (a dev node's start on a long
 * chain). It still reads the first dump version (the blocks alone, indexed again one by one).
 */
import { ByteArena, type ByteArenaDump, BytesTable, type BytesTableDump, IntColumn } from "@cairn/core";
import { encodeRemembered, protocol } from "@cairn/proto";
import { encodeBlockRemembered } from "@cairn/protocol";
import { storedRecord, topologyOfBlock } from "./codec.ts";
import { NUMBER_HEIGHT_LIMIT, skipHeight, skipHeightNumber, takesSkip, takesSkipNumber } from "./skip-list.ts";
import type { BlockRecord, BlockStore, Progress, ReadOptions, StoreItem, Topology, TransactionRecord } from "./store.ts";
import { blockLayout } from "./wire.ts";

/** zstd level of the stored bytes: the fastest, already ~6× on receipts. */
const ZSTD_LEVEL = 1;
const compress = (bytes: Uint8Array): Uint8Array => Bun.zstdCompressSync(bytes, { level: ZSTD_LEVEL });
const decompress = (bytes: Uint8Array): Uint8Array => Bun.zstdDecompressSync(bytes);

/** Above this distance between the head and the range, walks jump with skip pointers (as `Ancestry` does). */
const LINEAR_WALK_LIMIT = 64;
/** Bytes per buffer of the compressed blocks and receipts. */
const ARENA_CHUNK_BYTES = 1 << 20;

/** The whole content of a `MemoryBlockStore`, structured-cloneable: what `dump()` writes. */
export interface BlockStoreDump {
  version: 2;
  // The store's columns and indexes (see the fields of the same names).
  bySeq: BytesTableDump;
  heights: Float64Array;
  previous: ByteArenaDump;
  blocks: ByteArenaDump;
  receipts: Int32Array;
  receiptBytes: ByteArenaDump;
  committed: Int32Array;
  skips: Int32Array;
  parents: Int32Array;
  txSlots: BytesTableDump;
  txBlock: Int32Array;
  txStart: Int32Array;
  txEnd: Int32Array;
  /** `txMore` as [slot, seqs] pairs. */
  txMore: [number, number[]][];
  highest: number;
  /** `mainChain`, -1 where it has no entry. */
  mainChain: Int32Array;
  mainLow: number;
  last: number;
}

/** The first dump version (still read): the blocks in storing order, indexed again on reading. */
export interface BlockStoreDumpV1 {
  version: 1;
  /** Encoded `protocol.Block` per block, zstd-compressed. */
  blocks: Uint8Array[];
  /** Encoded `protocol.BlockReceipt` per block, zstd-compressed, or null when stored without one. */
  receipts: (Uint8Array | null)[];
  /** Whether each block is committed. */
  committed: boolean[];
  /** Index (in `blocks`) of the last block stored, -1 when none. */
  progress: number;
}

/** The block store in memory. */
export class MemoryBlockStore implements BlockStore {
  // Columns by seq (storing order); `blocks` and `receipts` hold zstd-compressed bytes.
  /** Block id → seq; its keys in seq order are the ids (`keyAt(seq)`). */
  private bySeq = new BytesTable();
  private heights = new IntColumn("float64");
  private previous = new ByteArena();
  private blocks = new ByteArena(ARENA_CHUNK_BYTES);
  /** Index in `receiptBytes`, -1 when stored without a receipt. */
  private receipts = new IntColumn();
  private receiptBytes = new ByteArena(ARENA_CHUNK_BYTES);
  /** 1 when committed. */
  private committed = new IntColumn();
  /** Seq of the skip-pointer target, -1 when none. */
  private skips = new IntColumn();
  /** Seq of the parent when it was stored first, -1 otherwise (then looked up by id). */
  private parents = new IntColumn();
  // Transactions by slot: the first containing block and the slice of its bytes.
  private txSlots = new BytesTable();
  private txBlock = new IntColumn();
  private txStart = new IntColumn();
  private txEnd = new IntColumn();
  /** Containing blocks (seqs, ascending) of transactions in more than one block; others have just `txBlock`. */
  private txMore = new Map<number, number[]>();
  /** Seq of the highest committed block (ties: first stored), -1 when none. */
  private highest = -1;
  /**
   * The main chain: seq of the block at each height from `mainLow` up to the highest block's
   * (entries below `mainLow` are stale). Heights below `mainLow` are missing an ancestor.
   */
  private mainChain: number[] = [];
  /** Lowest height of `mainChain` that holds an ancestor of the highest block; 0 when none. */
  private mainLow = 0;
  private last = -1;

  /**
   * A store holding `dump` (from `dump()` of this or another process). The stored bytes are shared
   * with the dump (neither ever writes them), the number columns copied.
   */
  static fromDump(dump: BlockStoreDump | BlockStoreDumpV1): MemoryBlockStore {
    const store = new MemoryBlockStore();
    if (dump.version === 1) {
      for (let i = 0; i < dump.blocks.length; i++) store.insert(decompress(dump.blocks[i]!), dump.blocks[i]!, dump.receipts[i] ?? null, dump.committed[i]!);
      store.last = dump.progress;
      return store;
    }
    if (dump.version !== 2) throw new Error(`unknown block store dump version ${String((dump as { version: unknown }).version)}`);
    store.bySeq = BytesTable.fromDump(dump.bySeq);
    store.heights = IntColumn.from(dump.heights);
    store.previous = ByteArena.fromDump(dump.previous);
    store.blocks = ByteArena.fromDump(dump.blocks, ARENA_CHUNK_BYTES);
    store.receipts = IntColumn.from(dump.receipts);
    store.receiptBytes = ByteArena.fromDump(dump.receiptBytes, ARENA_CHUNK_BYTES);
    store.committed = IntColumn.from(dump.committed);
    store.skips = IntColumn.from(dump.skips);
    store.parents = IntColumn.from(dump.parents);
    store.txSlots = BytesTable.fromDump(dump.txSlots);
    store.txBlock = IntColumn.from(dump.txBlock);
    store.txStart = IntColumn.from(dump.txStart);
    store.txEnd = IntColumn.from(dump.txEnd);
    store.txMore = new Map(dump.txMore.map(([slot, seqs]) => [slot, [...seqs]]));
    store.highest = dump.highest;
    store.mainChain = Array.from(dump.mainChain);
    store.mainLow = dump.mainLow;
    store.last = dump.last;
    return store;
  }

  /** The whole content as plain data: the stored bytes shared (they never change), the number columns copied. */
  dump(): BlockStoreDump {
    const mainChain = new Int32Array(this.mainChain.length).fill(-1);
    this.mainChain.forEach((seq, height) => (mainChain[height] = seq));
    return {
      version: 2,
      bySeq: this.bySeq.dump(),
      heights: this.heights.values() as Float64Array,
      previous: this.previous.dump(),
      blocks: this.blocks.dump(),
      receipts: this.receipts.values() as Int32Array,
      receiptBytes: this.receiptBytes.dump(),
      committed: this.committed.values() as Int32Array,
      skips: this.skips.values() as Int32Array,
      parents: this.parents.values() as Int32Array,
      txSlots: this.txSlots.dump(),
      txBlock: this.txBlock.values() as Int32Array,
      txStart: this.txStart.values() as Int32Array,
      txEnd: this.txEnd.values() as Int32Array,
      txMore: [...this.txMore].map(([slot, seqs]) => [slot, [...seqs]]),
      highest: this.highest,
      mainChain,
      mainLow: this.mainLow,
      last: this.last,
    };
  }

  /** Blocks stored. */
  get size(): number {
    return this.bySeq.size;
  }

  async storeBlocks(items: readonly StoreItem[], committed = true): Promise<boolean[]> {
    const out: boolean[] = [];
    for (const { block, receipt } of items) out.push(await this.storeBlock(block, receipt, committed));
    return out;
  }

  async storeBlock(block: protocol.Block, receipt?: protocol.BlockReceipt, committed = true): Promise<boolean> {
    const topology = topologyOfBlock(block);
    const known = this.bySeq.get(topology.id);
    if (known !== undefined) {
      if (committed) this.markCommitted(known);
      return false;
    }
    // Remembered: the journal may have encoded them already, account history reads them after.
    const bytes = encodeBlockRemembered(block);
    const seq = this.insert(bytes, compress(bytes), receipt === undefined ? null : compress(encodeRemembered(protocol.BlockReceipt, receipt)), false);
    // A committed block vouches for its ancestors: the chain commits parents first.
    if (committed) this.markCommitted(seq);
    this.last = seq;
    return true;
  }

  async getBlocksById(ids: readonly Uint8Array[], options: ReadOptions): Promise<(BlockRecord | undefined)[]> {
    return ids.map((id) => {
      const seq = this.bySeq.get(id);
      return seq === undefined ? undefined : this.record(seq, options);
    });
  }

  async getTopology(id: Uint8Array): Promise<Topology | undefined> {
    const seq = this.bySeq.get(id);
    return seq === undefined ? undefined : this.topology(seq);
  }

  async getAncestors(head: Topology, startHeight: bigint, endHeight: bigint, options: ReadOptions): Promise<BlockRecord[]> {
    let seq = this.bySeq.get(head.id);
    if (seq === undefined || startHeight > endHeight) return [];
    const start = Number(startHeight < 1n ? 1n : startHeight);
    const end = Number(endHeight);
    const headHeight = this.heights.at(seq);
    if (this.mainLow > 0 && headHeight >= this.mainLow && this.mainChain[headHeight] === seq) {
      // On the main chain: every height from mainLow up is an ancestor, and there is none below.
      const out: BlockRecord[] = [];
      for (let h = Math.max(start, this.mainLow); h <= Math.min(end, headHeight); h++) out.push(this.record(this.mainChain[h]!, options));
      return out;
    }
    if (this.heights.at(seq) - end > LINEAR_WALK_LIMIT) seq = this.ancestorAt(seq, end) ?? seq;
    const path: number[] = [];
    for (let current: number | undefined = seq; ; ) {
      const height = this.heights.at(current);
      if (height < start) break;
      if (height <= end) path.push(current);
      if (height === start) break;
      const parent = this.parentOf(current);
      if (parent === undefined) break;
      current = parent;
    }
    return path.reverse().map((s) => this.record(s, options));
  }

  async getHighestBlock(): Promise<Topology | undefined> {
    return this.highest < 0 ? undefined : this.topology(this.highest);
  }

  async getTransactionsById(ids: readonly Uint8Array[]): Promise<TransactionRecord[]> {
    const out: TransactionRecord[] = [];
    // Ids asked together are often in one block: decompress it once.
    let open: { seq: number; bytes: Uint8Array } | undefined;
    for (const id of ids) {
      if (id.length === 0) continue;
      const slot = this.txSlots.get(id);
      if (slot === undefined) continue;
      const seq = this.txBlock.at(slot);
      if (open?.seq !== seq) open = { seq, bytes: decompress(this.blocks.get(seq)) };
      const transaction = protocol.Transaction.decode(open.bytes.subarray(this.txStart.at(slot), this.txEnd.at(slot)));
      const containing = this.txMore.get(slot) ?? [seq];
      out.push({ transaction, containingBlocks: containing.filter((s) => this.committed.at(s) === 1).map((s) => this.bySeq.keyAt(s).slice()) });
    }
    return out;
  }

  async getProgress(): Promise<Progress | undefined> {
    return this.last < 0 ? undefined : { blockId: this.bySeq.keyAt(this.last).slice(), height: BigInt(this.heights.at(this.last)) };
  }

  async reset(): Promise<void> {
    this.bySeq = new BytesTable();
    this.heights = new IntColumn("float64");
    this.previous = new ByteArena();
    this.blocks = new ByteArena(ARENA_CHUNK_BYTES);
    this.receipts = new IntColumn();
    this.receiptBytes = new ByteArena(ARENA_CHUNK_BYTES);
    this.committed = new IntColumn();
    this.skips = new IntColumn();
    this.parents = new IntColumn();
    this.txSlots = new BytesTable();
    this.txBlock = new IntColumn();
    this.txStart = new IntColumn();
    this.txEnd = new IntColumn();
    this.txMore = new Map();
    this.highest = -1;
    this.mainChain = [];
    this.mainLow = 0;
    this.last = -1;
  }

  /**
   * Adds a block not stored yet — its encoded bytes, the same compressed, its compressed receipt —
   * indexing its transactions and computing its skip pointer; returns its seq.
   */
  private insert(bytes: Uint8Array, compressed: Uint8Array, receipt: Uint8Array | null, committed: boolean): number {
    const layout = blockLayout(bytes);
    const header = layout.header === undefined ? undefined : protocol.BlockHeader.decode(layout.header);
    const { id, height, previous } = topologyOfBlock({ id: layout.id, header, transactions: [], signature: new Uint8Array() });
    const seq = this.size;
    this.bySeq.set(id, seq);
    this.heights.push(Number(height));
    this.previous.push(previous);
    this.blocks.push(compressed);
    this.receipts.push(receipt === null ? -1 : this.receiptBytes.push(receipt));
    this.committed.push(0);
    this.parents.push(-1);
    this.parents.set(seq, this.parentOf(seq) ?? -1);
    this.skips.push(this.skipOf(seq));
    for (const span of layout.transactions) {
      if (span.idEnd === span.idStart) continue;
      const key = bytes.subarray(span.idStart, span.idEnd);
      const slot = this.txSlots.get(key);
      if (slot === undefined) {
        this.txSlots.set(key, this.txBlock.length);
        this.txBlock.push(seq);
        this.txStart.push(span.start);
        this.txEnd.push(span.end);
      } else {
        const more = this.txMore.get(slot) ?? [this.txBlock.at(slot)];
        if (more[more.length - 1] !== seq) more.push(seq);
        this.txMore.set(slot, more);
      }
    }
    if (committed) this.markCommitted(seq);
    else this.extendMainChain();
    return seq;
  }

  /** Marks `seq` and its uncommitted ancestors committed, moving the highest block (and the main chain with it). */
  private markCommitted(seq: number): void {
    for (let s: number | undefined = seq; s !== undefined && this.committed.at(s) !== 1; s = this.parentOf(s)) {
      this.committed.set(s, 1);
      const h = this.highest;
      if (h < 0 || this.heights.at(s) > this.heights.at(h) || (this.heights.at(s) === this.heights.at(h) && s < h)) this.highest = s;
    }
    this.refreshMainChain();
  }

  /**
   * Brings `mainChain` up to the highest block: rewrites the heights from it down to the first one
   * that already holds the right block (one after a new head on top, those above the common ancestor
   * after a fork switch); a missing ancestor raises `mainLow`. Then `extendMainChain`.
   */
  private refreshMainChain(): void {
    if (this.highest < 0) return;
    let s = this.highest;
    const top = this.heights.at(s);
    if (this.mainChain.length > top + 1) this.mainChain.length = top + 1;
    for (;;) {
      const h = this.heights.at(s);
      if (this.mainLow > 0 && h >= this.mainLow && this.mainChain[h] === s) break;
      this.mainChain[h] = s;
      const parent = this.parentOf(s);
      if (parent === undefined) {
        this.mainLow = h;
        break;
      }
      s = parent;
    }
    if (this.mainLow > top) this.mainLow = top;
    this.extendMainChain();
  }

  /** Extends `mainChain` down from its lowest block while that block's parent is stored (after a gap is filled). */
  private extendMainChain(): void {
    // Height 1 has no parent to find.
    if (this.mainLow <= 1) return;
    for (let parent = this.parentOf(this.mainChain[this.mainLow]!); parent !== undefined; parent = this.parentOf(parent)) {
      this.mainLow -= 1;
      this.mainChain[this.mainLow] = parent;
    }
  }

  /** The stored parent of `seq` (one height below), or undefined. */
  private parentOf(seq: number): number | undefined {
    const known = this.parents.at(seq);
    if (known >= 0) return known;
    const parent = this.bySeq.get(this.previous.get(seq));
    return parent !== undefined && this.heights.at(parent) === this.heights.at(seq) - 1 ? parent : undefined;
  }

  /** The ancestor of `seq` (itself included) at `height`, following skip pointers (`skip-list.ts`); undefined past a gap. */
  private ancestorAt(seq: number, height: number): number | undefined {
    if (height > this.heights.at(seq) || height < 1) return undefined;
    const small = this.heights.at(seq) < NUMBER_HEIGHT_LIMIT;
    const target = BigInt(height);
    let s = seq;
    while (this.heights.at(s) > height) {
      const h = this.heights.at(s);
      const skip = this.skips.at(s);
      if (skip >= 0 && (small ? takesSkipNumber(h, height) : takesSkip(BigInt(h), target))) {
        s = skip;
        continue;
      }
      const parent = this.parentOf(s);
      if (parent === undefined) return undefined;
      s = parent;
    }
    return s;
  }

  /** The skip pointer of a new block: its ancestor at `skipHeight`, found from its parent; -1 when unknown. */
  private skipOf(seq: number): number {
    const height = this.heights.at(seq);
    const target = height < NUMBER_HEIGHT_LIMIT ? skipHeightNumber(height) : Number(skipHeight(BigInt(height)));
    const parent = this.parentOf(seq);
    if (target < 1 || parent === undefined) return -1;
    return this.ancestorAt(parent, target) ?? -1;
  }

  private topology(seq: number): Topology {
    return { id: this.bySeq.keyAt(seq).slice(), height: BigInt(this.heights.at(seq)), previous: this.previous.get(seq).slice() };
  }

  private record(seq: number, options: ReadOptions): BlockRecord {
    const receipt = options.receipt ? this.receiptOf(seq) : null;
    return storedRecord(this.topology(seq), options.block ? decompress(this.blocks.get(seq)) : null, receipt ? decompress(receipt) : null);
  }

  /** The compressed receipt of `seq` (a view), null when stored without one. */
  private receiptOf(seq: number): Uint8Array | null {
    const r = this.receipts.at(seq);
    return r < 0 ? null : this.receiptBytes.get(r);
  }
}
