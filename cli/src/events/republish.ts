/**
 * `republishBlocks`: for a consumer that must re-read, publishes again the `koinos.block.accept`
 * message (head: true, live: false) and the contract event parcels of blocks `from … to` of the
 * head chain, read from the block store, in height order. Consumers are idempotent by block id, so
 * a block they already applied changes nothing.
 */
import type { EventBus } from "@cairn/bus";
import { type BlockSource, MAX_REQUEST_ITEMS } from "@cairn/block-store/client";
import { type ReplayProgress, progressMeter } from "@cairn/core";
import type { BlockRef } from "@cairn/protocol";
import { blockMessages, type RepublishKind } from "./block-messages.ts";

/** What to republish. */
export interface RepublishOptions {
  /** First height (≥ 1). */
  fromHeight: bigint;
  /** Last height. Default: the head's height. Clipped at the head. */
  toHeight?: bigint;
  /** Which messages. Default both `block` and `events`. */
  kinds?: ReadonlySet<RepublishKind>;
  /** The head whose chain to read. Default: the highest block the source holds. */
  head?: BlockRef;
  /** Blocks per block-store request and per `publishMany`. Default 100 (at most 1000). */
  batchSize?: number;
  /** Called after each batch when `progressIntervalMs` has passed, and always at the end. */
  onProgress?: (p: ReplayProgress) => void;
  /** Minimum time between progress reports, ms. Default 1000 (0: after every batch). */
  progressIntervalMs?: number;
  /** Stops between batches (what was published stays published). */
  signal?: AbortSignal;
}

/** What a republish did. */
export interface RepublishResult {
  /** Blocks read and republished. */
  blocks: number;
  /** Messages published. */
  messages: number;
  /** Heights actually covered (`to` below `from` when nothing was republished). */
  from: bigint;
  to: bigint;
  /** Bus sequence of the first and last message published (0 when none). */
  firstSequence: number;
  lastSequence: number;
  seconds: number;
}

/** Reads blocks from `source` and publishes their messages on `bus` (see the file comment). */
export async function republishBlocks(source: Pick<BlockSource, "blocksWithReceiptsByHeight" | "highest">, bus: Pick<EventBus, "publishMany">, options: RepublishOptions): Promise<RepublishResult> {
  const kinds = options.kinds ?? new Set<RepublishKind>(["block", "events"]);
  const batch = Math.min(Math.max(options.batchSize ?? 100, 1), MAX_REQUEST_ITEMS);
  const interval = options.progressIntervalMs ?? 1000;
  if (options.fromHeight < 1n) throw new RangeError("fromHeight must be at least 1");
  const head = options.head ?? (await source.highest());
  const to = head === undefined ? 0n : options.toHeight === undefined || options.toHeight > head.height ? head.height : options.toHeight;
  const from = options.fromHeight;
  const total = to >= from ? Number(to - from + 1n) : 0;
  const meter = progressMeter(total);
  const result: RepublishResult = { blocks: 0, messages: 0, from, to, firstSequence: 0, lastSequence: 0, seconds: 0 };
  let lastReport = performance.now();
  for (let h = from; head !== undefined && h <= to; h += BigInt(batch)) {
    options.signal?.throwIfAborted();
    const count = Math.min(batch, Number(to - h + 1n));
    const blocks = await source.blocksWithReceiptsByHeight(head.id, h, count);
    if (blocks.length !== count) throw new Error(`block store returned ${blocks.length} blocks at height ${h}, expected ${count}`);
    const messages = blocks.flatMap(({ block, receipt }) => blockMessages(block, receipt, kinds));
    if (messages.length > 0) {
      const acks = await bus.publishMany(messages);
      result.firstSequence ||= acks[0]!.sequence;
      result.lastSequence = acks.at(-1)!.sequence;
    }
    result.blocks += blocks.length;
    result.messages += messages.length;
    const now = performance.now();
    if (options.onProgress && now - lastReport >= interval && result.blocks < total) {
      options.onProgress(meter(result.blocks));
      lastReport = now;
    }
  }
  const final = meter(result.blocks);
  options.onProgress?.(final);
  return { ...result, seconds: final.elapsedSeconds };
}
