/**
 * What the chain publishes (protocol §6, architecture §4): after a block, `koinos.block.irreversible`
 * (when the LIB moved), `koinos.block.accept`, `koinos.block.forks`, then one
 * `koinos.event.<contract>.<name>` per contract event; `koinos.transaction.accept` for every
 * broadcast transaction (awaited: the submission fails when the bus cannot store it);
 * `koinos.transaction.fail` for a transaction a block could never include. Block events are
 * pipelined: calls are made in order, never awaited one by one, and failures are logged. They are
 * not awaited because the block is committed by then (the chain cannot take it back, and holding
 * block production until the bus is back would stall the chain for a bus outage); instead the
 * chain's delivery audit (controller/delivery-audit.ts) publishes the head's accept again while
 * the block store stays behind the head. That is what Koinos-like consumers need: each catches up
 * from the head block (the block store marks its uncommitted ancestors committed, the mempool and
 * account history fill gaps from the block store), so one accept of the head repairs any number
 * of lost ones.
 */
import { type Logger, toHex } from "@cairn/core";
import { type OutgoingMessage, Subjects, eventMessage } from "@cairn/bus";
import type { ChainEvents } from "./chain.ts";
import { topology } from "./fork-tree.ts";
import { blockAcceptMessage, blockAppliedMessages } from "./messages.ts";

/**
 * The part of the event bus the chain uses. Messages go whole (`publishMany`), never as
 * `publish(m.subject, m.data, …)`: reading `data` would encode an `EventMessage` the in-process
 * bus may never need as bytes.
 */
export interface EventPublisher {
  publishMany(messages: readonly OutgoingMessage[]): Promise<readonly unknown[]>;
}

export function createChainEvents(publisher: EventPublisher, logger: Logger, onPublished?: (subject: string) => void): ChainEvents {
  const send = (m: OutgoingMessage) => {
    const { subject } = m;
    publisher.publishMany([m]).then(
      () => onPublished?.(subject),
      (err) => logger.error({ subject, err: String(err) }, "event publish failed"),
    );
  };
  return {
    blockApplied({ block, receipt, head, live, newLib, forkHeads }) {
      const messages = blockAppliedMessages({ block, receipt, head, live, lib: newLib && topology(newLib), forkHeads }, (event, err) =>
        logger.warn({ event: event.name, err: String(err) }, "contract event not published: its name cannot be a subject"),
      );
      for (const m of messages) send(m);
      logger.debug({ block: toHex(block.id), height: Number(block.header?.height ?? 0n), head }, "block events published");
    },
    /** Awaited: a receipt is returned only once the accept is durably on the bus. */
    async transactionAccepted({ transaction, receipt, height }) {
      const m = eventMessage(Subjects.transactionAccept, { transaction, receipt, height, system_disk_storage_used: 0n, system_network_bandwidth_used: 0n, system_compute_bandwidth_used: 0n });
      const [ack] = await publisher.publishMany([m]);
      logger.debug({ tx: toHex(transaction.id), sequence: (ack as { sequence?: number } | undefined)?.sequence }, "transaction accept stored");
      onPublished?.(m.subject);
    },
    /** Awaited: the delivery audit republishes until the block store has the head. */
    async republishHeadAccept({ block, receipt }) {
      const m = blockAcceptMessage(block, receipt, { head: true, live: false });
      await publisher.publishMany([m]);
      onPublished?.(m.subject);
    },
    transactionFailed({ id, reason }) {
      send(eventMessage(Subjects.transactionFail, { id, reason }));
    },
    /** Awaited: the delivery audit removes the transaction from its window once the bus stored its failure. */
    async transactionExpired({ id, reason }) {
      const m = eventMessage(Subjects.transactionFail, { id, reason });
      await publisher.publishMany([m]);
      onPublished?.(m.subject);
    },
  };
}
