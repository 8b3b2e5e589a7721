/**
 * `BlockStore` in memory, for the one-process dev node: same contract suite as `DrizzleBlockStore`.
 * Built to hold hundreds of thousands of blocks lean and fast:
 *
 * - a block is kept as its encoded bytes, zstd-compressed (one `Uint8Array`, receipt likewise:
 *   receipts shrink ~6×, blocks ~2×, for ~1 ms per MB) in columns indexed by storing order
 *   (`seq`), not as decoded objects; reads decompress and decode what they return;
 * - a transaction is a slice of its first containing block's bytes (found with `wire.ts`), so it
 *   costs three numbers and a map key, not a second copy;
 * - the main chain (the highest committed block and its ancestors) is an array by height, so a walk
 *   from a head on it reads its range directly; other walks reach a deep range through skip
 *   pointers (`skip-list.ts`) in O(log distance) steps, so reads stay as fast at a million blocks
 *   as at a thousand.
 *
 * `dump()` returns the whole content as structured-cloneable data (snapshots, snapshot files) and
 * `MemoryBlockStore.fromDump` rebuilds a store from it.
 */
import { bytesKey as keyOf } from "@cairn/core";
import { protocol } from "@cairn/proto";
import { topologyOfBlock } from "./codec.ts";
import { NUMBER_HEIGHT_LIMIT, skipHeight, skipHeightNumber, takesSkip, takesSkipNumber } from "./skip-list.ts";
import type { BlockRecord, BlockStore, Progress, ReadOptions, StoreItem, Topology, TransactionRecord } from "./store.ts";
import { blockLayout } from "./wire.ts";

/** zstd level of the stored bytes: the fastest, already ~6× on receipts. */
const ZSTD_LEVEL = 1;
const compress = (bytes: Uint8Array): Uint8Array => Bun.zstdCompressSync(bytes, { level: ZSTD_LEVEL });
const decompress = (bytes: Uint8Array): Uint8Array => Bun.zstdDecompressSync(bytes);

/** Above this distance between the head and the range, walks jump with skip pointers (as `Ancestry` does). */
const LINEAR_WALK_LIMIT = 64;

/** The whole content of a `MemoryBlockStore`, structured-cloneable, blocks in storing order. */
export interface BlockStoreDump {
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
  private ids: Uint8Array[] = [];
  private heights: number[] = [];
  private previous: Uint8Array[] = [];
  private blocks: Uint8Array[] = [];
  private receipts: (Uint8Array | null)[] = [];
  private committed: boolean[] = [];
  /** Seq of the skip-pointer target, -1 when none. */
  private skips: number[] = [];
  /** Seq of the parent when it was stored first, -1 otherwise (then looked up by id). */
  private parents: number[] = [];
  private bySeq = new Map<string, number>();
  // Transactions by slot: the first containing block and the slice of its bytes.
  private txSlots = new Map<string, number>();
  private txBlock: number[] = [];
  private txStart: number[] = [];
  private txEnd: number[] = [];
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

  /** A store holding `dump` (from `dump()` of this or another process). */
  static fromDump(dump: BlockStoreDump): MemoryBlockStore {
    if (dump.version !== 1) throw new Error(`unknown block store dump version ${String(dump.version)}`);
    const store = new MemoryBlockStore();
    for (let i = 0; i < dump.blocks.length; i++) store.insert(decompress(dump.blocks[i]!), dump.blocks[i]!, dump.receipts[i] ?? null, dump.committed[i]!);
    store.last = dump.progress;
    return store;
  }

  /** The whole content as plain data (bytes are shared, not copied: stored bytes never change). */
  dump(): BlockStoreDump {
    return { version: 1, blocks: [...this.blocks], receipts: [...this.receipts], committed: [...this.committed], progress: this.last };
  }

  /** Blocks stored. */
  get size(): number {
    return this.ids.length;
  }

  async storeBlocks(items: readonly StoreItem[], committed = true): Promise<boolean[]> {
    const out: boolean[] = [];
    for (const { block, receipt } of items) out.push(await this.storeBlock(block, receipt, committed));
    return out;
  }

  async storeBlock(block: protocol.Block, receipt?: protocol.BlockReceipt, committed = true): Promise<boolean> {
    const topology = topologyOfBlock(block);
    const known = this.bySeq.get(keyOf(topology.id));
    if (known !== undefined) {
      if (committed) this.markCommitted(known);
      return false;
    }
    const bytes = protocol.Block.encode(block).finish();
    const seq = this.insert(bytes, compress(bytes), receipt === undefined ? null : compress(protocol.BlockReceipt.encode(receipt).finish()), false);
    // A committed block vouches for its ancestors: the chain commits parents first.
    if (committed) this.markCommitted(seq);
    this.last = seq;
    return true;
  }

  async getBlocksById(ids: readonly Uint8Array[], options: ReadOptions): Promise<(BlockRecord | undefined)[]> {
    return ids.map((id) => {
      const seq = this.bySeq.get(keyOf(id));
      return seq === undefined ? undefined : this.record(seq, options);
    });
  }

  async getTopology(id: Uint8Array): Promise<Topology | undefined> {
    const seq = this.bySeq.get(keyOf(id));
    return seq === undefined ? undefined : this.topology(seq);
  }

  async getAncestors(head: Topology, startHeight: bigint, endHeight: bigint, options: ReadOptions): Promise<BlockRecord[]> {
    let seq = this.bySeq.get(keyOf(head.id));
    if (seq === undefined || startHeight > endHeight) return [];
    const start = Number(startHeight < 1n ? 1n : startHeight);
    const end = Number(endHeight);
    const headHeight = this.heights[seq]!;
    if (this.mainLow > 0 && headHeight >= this.mainLow && this.mainChain[headHeight] === seq) {
      // On the main chain: every height from mainLow up is an ancestor, and there is none below.
      const out: BlockRecord[] = [];
      for (let h = Math.max(start, this.mainLow); h <= Math.min(end, headHeight); h++) out.push(this.record(this.mainChain[h]!, options));
      return out;
    }
    if (this.heights[seq]! - end > LINEAR_WALK_LIMIT) seq = this.ancestorAt(seq, end) ?? seq;
    const path: number[] = [];
    for (let current: number | undefined = seq; ; ) {
      const height = this.heights[current]!;
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
      const slot = this.txSlots.get(keyOf(id));
      if (slot === undefined) continue;
      const seq = this.txBlock[slot]!;
      if (open?.seq !== seq) open = { seq, bytes: decompress(this.blocks[seq]!) };
      const transaction = protocol.Transaction.decode(open.bytes.subarray(this.txStart[slot], this.txEnd[slot]));
      const containing = this.txMore.get(slot) ?? [this.txBlock[slot]!];
      out.push({ transaction, containingBlocks: containing.filter((s) => this.committed[s]).map((s) => this.ids[s]!.slice()) });
    }
    return out;
  }

  async getProgress(): Promise<Progress | undefined> {
    return this.last < 0 ? undefined : { blockId: this.ids[this.last]!.slice(), height: BigInt(this.heights[this.last]!) };
  }

  async reset(): Promise<void> {
    this.ids = [];
    this.heights = [];
    this.previous = [];
    this.blocks = [];
    this.receipts = [];
    this.committed = [];
    this.skips = [];
    this.parents = [];
    this.bySeq = new Map();
    this.txSlots = new Map();
    this.txBlock = [];
    this.txStart = [];
    this.txEnd = [];
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
    const seq = this.ids.length;
    this.ids.push(id.slice());
    this.heights.push(Number(height));
    this.previous.push(previous.slice());
    this.blocks.push(compressed);
    this.receipts.push(receipt);
    this.committed.push(false);
    this.bySeq.set(keyOf(id), seq);
    this.parents.push(-1);
    this.parents[seq] = this.parentOf(seq) ?? -1;
    this.skips.push(this.skipOf(seq));
    for (const span of layout.transactions) {
      if (span.idEnd === span.idStart) continue;
      const key = keyOf(bytes.subarray(span.idStart, span.idEnd));
      const slot = this.txSlots.get(key);
      if (slot === undefined) {
        this.txSlots.set(key, this.txBlock.length);
        this.txBlock.push(seq);
        this.txStart.push(span.start);
        this.txEnd.push(span.end);
      } else {
        const more = this.txMore.get(slot) ?? [this.txBlock[slot]!];
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
    for (let s: number | undefined = seq; s !== undefined && !this.committed[s]; s = this.parentOf(s)) {
      this.committed[s] = true;
      const h = this.highest;
      if (h < 0 || this.heights[s]! > this.heights[h]! || (this.heights[s] === this.heights[h] && s < h)) this.highest = s;
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
    const top = this.heights[s]!;
    if (this.mainChain.length > top + 1) this.mainChain.length = top + 1;
    for (;;) {
      const h = this.heights[s]!;
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
    const known = this.parents[seq]!;
    if (known >= 0) return known;
    const parent = this.bySeq.get(keyOf(this.previous[seq]!));
    return parent !== undefined && this.heights[parent] === this.heights[seq]! - 1 ? parent : undefined;
  }

  /** The ancestor of `seq` (itself included) at `height`, following skip pointers (`skip-list.ts`); undefined past a gap. */
  private ancestorAt(seq: number, height: number): number | undefined {
    if (height > this.heights[seq]! || height < 1) return undefined;
    const small = this.heights[seq]! < NUMBER_HEIGHT_LIMIT;
    const target = BigInt(height);
    let s = seq;
    while (this.heights[s]! > height) {
      const h = this.heights[s]!;
      const skip = this.skips[s]!;
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
    const height = this.heights[seq]!;
    const target = height < NUMBER_HEIGHT_LIMIT ? skipHeightNumber(height) : Number(skipHeight(BigInt(height)));
    const parent = this.parentOf(seq);
    if (target < 1 || parent === undefined) return -1;
    return this.ancestorAt(parent, target) ?? -1;
  }

  private topology(seq: number): Topology {
    return { id: this.ids[seq]!.slice(), height: BigInt(this.heights[seq]!), previous: this.previous[seq]!.slice() };
  }

  private record(seq: number, options: ReadOptions): BlockRecord {
    const record: BlockRecord = this.topology(seq);
    if (options.block) record.block = protocol.Block.decode(decompress(this.blocks[seq]!));
    const receipt = this.receipts[seq];
    if (options.receipt && receipt) record.receipt = protocol.BlockReceipt.decode(decompress(receipt));
    return record;
  }
}
