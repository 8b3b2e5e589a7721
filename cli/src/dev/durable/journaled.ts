/**
 * Where the dev node's promises meet the journal:
 *
 * - {@link journaledBus}: the in-process bus with `koinos.transaction.accept` journaled before the
 *   bus takes it. The chain awaits that publish before returning a receipt, so a receipt means
 *   the accepted transaction is on disk: after a crash it returns to the mempool (unless a block
 *   that is also on disk includes it). Every other subject passes straight through (blocks are
 *   journaled on their way into the block store, the rest follows from blocks).
 * - {@link journaledBlockSink}: the block store as the chain hands it each block before
 *   committing; the block and its receipt are journaled first, so nothing can see a block (head
 *   info, block store, events) before it is durable — except inside a batch (`deferSync()`, the
 *   blocks of one `dev.mine_blocks` call), whose blocks share fsyncs and are all durable before
 *   the call returns.
 *
 * While the journal is being replayed at start (`replaying()`), nothing is journaled again.
 */
import { type EventBus, Subjects } from "@cairn/bus";
import type { BlockSink } from "@cairn/block-store/client";
import type { DevDataStore } from "./data-store.ts";

export function journaledBus(inner: EventBus, store: Pick<DevDataStore, "record">, replaying: () => boolean): EventBus {
  return {
    start: (signal) => inner.start(signal),
    // `payload` (the decoded message, for consumers in this process) passes through with the bytes.
    publish(subject, data, payload) {
      if (subject !== Subjects.transactionAccept || replaying()) return inner.publish(subject, data, payload);
      return store.record({ kind: "transaction", accepted: data }, () => inner.publish(subject, data, payload));
    },
    async publishMany(messages) {
      const acks = [];
      for (const m of messages) acks.push(await this.publish(m.subject, m.data, m.payload));
      return acks;
    },
    subscribe: (pattern, handler, options) => inner.subscribe(pattern, handler, options),
    deleteDurable: (durable) => inner.deleteDurable(durable),
    close: () => inner.close(),
  };
}

export function journaledBlockSink(inner: BlockSink, store: Pick<DevDataStore, "record">, replaying: () => boolean, deferSync: () => boolean = () => false): BlockSink {
  return {
    addBlock(block, receipt) {
      if (replaying()) return inner.addBlock(block, receipt);
      return store.record({ kind: "block", block, receipt }, () => inner.addBlock(block, receipt), { deferSync: deferSync() });
    },
  };
}
