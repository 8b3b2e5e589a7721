/**
 * Rebuild of the block store and transaction store: empties the tables, then
 * replays `koinos.block.accept` from the start of the bus log through a private consumer into the
 * store — in batches of `storeBlocks`, which store exactly what the live consumer's one-by-one
 * `storeBlock` would — until the last message measured before the start (`ReplayBounds`). Blocks arriving
 * meanwhile are left to the live service.
 *
 * The replay can only restore what the stream still holds (JetStream retention: 24 h / 1 GiB by
 * default). Unless forced, the rebuild therefore refuses to empty the store when the stream holds
 * no block or does not start at block 1: dropping the store would lose every block below. Stop the
 * block store service first; nothing else may write the tables while they are rebuilt.
 */
import { progressMeter, type ReplayProgress, silentLogger, type Logger } from "@cairn/core";
import { Subjects, decodeEvent, type BusMessage, type EventBus, type Subscription } from "@cairn/bus";
import type { BlockStore, StoreItem, Topology } from "@cairn/block-store";
import type { ReplayBounds } from "./replay-bounds.ts";

/** Options of `rebuildBlockStore`. */
export interface BlockStoreRebuildOptions {
  /** Called when `progressIntervalMs` has passed since the last call, and always at the end. */
  onProgress?: (p: ReplayProgress) => void;
  /** Minimum time between progress reports, ms. Default 1000 (0: after every block). */
  progressIntervalMs?: number;
  /** Empty the store even when the stream holds no block or does not start at block 1. Default false. */
  force?: boolean;
  /** Stops the replay (the store then holds a prefix of the chain; the live consumer does not refill it). */
  signal?: AbortSignal;
  /** Default: silent. */
  logger?: Logger;
}

/** What a rebuild did. */
export interface BlockStoreRebuildResult {
  /** `koinos.block.accept` messages replayed. */
  messages: number;
  /** Blocks written. */
  stored: number;
  /** Messages whose block was already stored (the same block accepted twice). */
  duplicates: number;
  /** Messages skipped: undecodable or without a block. */
  invalid: number;
  /** The highest block after the rebuild. */
  highest: Topology | undefined;
  seconds: number;
}

/** Why a rebuild refused to start or stopped. */
export class RebuildError extends Error {
  override readonly name = "RebuildError";
}

/** Messages pulled ahead of the handler (`maxAckPending` of a consumer without acknowledgements; NATS pulls at most 256). */
const PREFETCH = 256;
/** Blocks per `storeBlocks` call (one database transaction). */
const WRITE_BATCH = 200;

/** Checks that replaying `bounds` can rebuild the whole store; throws `RebuildError` otherwise. */
export function assertReplayable(bounds: ReplayBounds): void {
  if (bounds.count === 0) throw new RebuildError("the event stream holds no koinos.block.accept message: nothing to rebuild from (use --force to empty the store anyway)");
  if (bounds.firstHeight !== 1n) {
    const at = bounds.firstHeight === undefined ? "an undecodable message" : `block ${bounds.firstHeight}`;
    throw new RebuildError(`the event stream starts at ${at}, not block 1: older blocks are past its retention and would be lost (use --force to rebuild only what it holds)`);
  }
}

/** Empties `store` and replays `bounds` of `bus` into it (see the file comment). */
export async function rebuildBlockStore(store: BlockStore, bus: EventBus, bounds: ReplayBounds, options: BlockStoreRebuildOptions = {}): Promise<BlockStoreRebuildResult> {
  if (!options.force) assertReplayable(bounds);
  options.signal?.throwIfAborted();
  const logger = options.logger ?? silentLogger();
  const counts = { messages: 0, stored: 0, duplicates: 0 };
  // Blocks are written in batches, in stream order (`storeBlocks`: one transaction each), one
  // batch at a time while the next is pulled and decoded: `flush` hands a batch over and waits
  // only for the one before it; `drain` waits for the last. The consumer is this run's own and
  // takes no acknowledgements (`acknowledge: false`: nothing written back per message, the server
  // sends on without waiting for them): the handler stops the replay at its first failure, and a
  // rebuild that fails is run again from the start.
  let buffer: StoreItem[] = [];
  let writing: Promise<void> = Promise.resolve();
  const drain = () => writing;
  const flush = async () => {
    if (buffer.length === 0) return;
    const items = buffer;
    buffer = [];
    await writing;
    writing = store.storeBlocks(items, true).then((stored) => {
      for (const s of stored) counts[s ? "stored" : "duplicates"]++;
    });
    // A failure surfaces at the next flush or drain; until then it is not unhandled.
    writing.catch(() => undefined);
  };
  const handle = async (message: BusMessage) => {
    const event = decodeEvent(Subjects.blockAccept, message, logger);
    const block = event?.block;
    if (block === undefined || block.header === undefined || block.id.length === 0) {
      logger.error({ sequence: message.sequence }, "block.accept message without a readable block skipped");
      return;
    }
    buffer.push({ block, receipt: event!.receipt });
    if (buffer.length >= WRITE_BATCH) await flush();
  };
  const meter = progressMeter(bounds.count);
  const interval = options.progressIntervalMs ?? 1000;
  let lastReport = performance.now();

  await store.reset();
  logger.info({ messages: bounds.count, firstSequence: bounds.firstSequence, lastSequence: bounds.lastSequence }, "block store emptied; replaying");
  if (bounds.count === 0) return finish();

  let settle!: (error?: unknown) => void;
  const settled = new Promise<unknown>((resolve) => (settle = resolve));
  let over = false;
  const onAbort = () => settle(options.signal!.reason ?? new Error("aborted"));
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const handler = async (message: BusMessage) => {
    if (over) return;
    try {
      if (counts.messages === 0 && message.sequence > bounds.firstSequence && !options.force) {
        throw new RebuildError(`the stream dropped messages ${bounds.firstSequence}…${message.sequence - 1} (retention) after it was measured; run the rebuild again`);
      }
      await handle(message);
      counts.messages++;
      if (message.sequence >= bounds.lastSequence) {
        await flush();
        await drain();
      }
      const now = performance.now();
      if (options.onProgress && now - lastReport >= interval && counts.messages < bounds.count) {
        options.onProgress(meter(counts.messages));
        lastReport = now;
      }
      if (message.sequence >= bounds.lastSequence) {
        over = true;
        settle();
      }
    } catch (err) {
      // Stop here rather than let the bus redeliver forever: the operator reruns the rebuild.
      over = true;
      settle(err);
    }
  };
  let subscription: Subscription | undefined;
  let error: unknown;
  try {
    subscription = await bus.subscribe(Subjects.blockAccept, handler, { deliverFrom: "all", maxAckPending: PREFETCH, acknowledge: false });
    error = await settled;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await subscription?.close();
    // A batch still being written when the replay stopped early: let it end before the caller closes the store.
    await drain().catch(() => undefined);
  }
  if (error !== undefined) throw error;
  return finish();

  async function finish(): Promise<BlockStoreRebuildResult> {
    const final = meter(counts.messages);
    options.onProgress?.({ ...final, total: Math.max(final.total, counts.messages) });
    const highest = await store.getHighestBlock();
    logger.info({ ...counts, seconds: final.elapsedSeconds }, "block store rebuilt");
    return { ...counts, invalid: counts.messages - counts.stored - counts.duplicates, highest, seconds: final.elapsedSeconds };
  }
}
