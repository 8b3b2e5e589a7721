/**
 * What the block store consumes (architecture §4): `koinos.block.accept` (payload
 * `cairn.broadcast.v1.BlockAccepted`) through the durable consumer `block_store`, storing every
 * block — head or not, any fork. It publishes nothing.
 *
 * This is the second path: the chain already calls `AddBlock` before it commits each block, so
 * normally the event finds the block stored and changes nothing. A block whose parent is unknown
 * is logged and stored anyway (the store is fork-aware; the parent arrives later or through
 * `AddBlock`). A message that does not decode, or carries no block, is logged and acknowledged —
 * retrying cannot fix it. A storage failure throws, so the bus redelivers the message.
 */
import { toHex, type Logger } from "@cairn/core";
import { Subjects, decodeEvent, type BusMessage, type EventBus, type Subscription } from "@cairn/bus";
import type { BlockStoreMetrics } from "./metrics.ts";
import type { BlockStore } from "./store/store.ts";
import type { BlockWriter } from "./writer.ts";

/** Name of the block store's durable consumer: its position survives restarts; instances share it. */
export const BLOCK_STORE_DURABLE = "block_store";

/** What the consumer uses. */
export interface BlockAcceptConsumerDeps {
  bus: EventBus;
  store: BlockStore;
  writer: BlockWriter;
  metrics: BlockStoreMetrics;
  logger: Logger;
}

/** Handles one `koinos.block.accept` message (exported for tests). */
export function createBlockAcceptHandler({ store, writer, metrics, logger }: Omit<BlockAcceptConsumerDeps, "bus">): (message: BusMessage) => Promise<void> {
  return async (message) => {
    const event = decodeEvent(Subjects.blockAccept, message, logger);
    if (event === undefined) {
      metrics.events.inc({ result: "invalid" });
      return;
    }
    const block = event.block;
    if (block === undefined || block.header === undefined || block.id.length === 0) {
      metrics.events.inc({ result: "invalid" });
      logger.error({ sequence: message.sequence }, "block.accept message without a block skipped");
      return;
    }
    const stored = await writer(block, event.receipt, "event");
    metrics.events.inc({ result: stored ? "stored" : "duplicate" });
    // Height 1 extends genesis, which is never stored. (The parent's topology is cached by now.)
    const height = block.header.height;
    if (stored && height > 1n && (await store.getTopology(block.header.previous)) === undefined) {
      logger.warn({ block: toHex(block.id), height: Number(height), previous: toHex(block.header.previous) }, "parent block unknown; stored anyway");
    }
  };
}

/**
 * Subscribes the block store to `koinos.block.accept`. A new durable consumer starts from
 * everything the bus still holds (`deliverFrom: "all"`): storing is idempotent, and the block store
 * is the system of record other consumers catch up from.
 */
export function subscribeBlockAccept(deps: BlockAcceptConsumerDeps): Promise<Subscription> {
  return deps.bus.subscribe(Subjects.blockAccept, createBlockAcceptHandler(deps), { durable: BLOCK_STORE_DURABLE, deliverFrom: "all" });
}
