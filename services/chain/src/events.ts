/**
 * What the chain publishes (protocol §6, architecture §4): after a block, `koinos.block.irreversible`
 * (when the LIB moved), `koinos.block.accept`, `koinos.block.forks`, then one
 * `koinos.event.<contract>.<name>` per contract event; `koinos.transaction.accept` for every
 * broadcast transaction (awaited: the submission fails when the bus cannot store it);
 * `koinos.transaction.fail` for a transaction a block could never include. Block events are
 * pipelined: calls are made in order, never awaited one by one; failures are logged (consumers
 * catch up from the block store).
 */
import { type Logger, toHex } from "@cairn/core";
import { Subjects } from "@cairn/bus";
import { broadcast } from "@cairn/proto";
import type { ChainEvents } from "./chain.ts";
import { topology } from "./fork-tree.ts";
import { blockAcceptMessage, eventParcelMessages } from "./messages.ts";

/** The part of the event bus the chain uses. */
export interface EventPublisher {
  publish(subject: string, payload: Uint8Array): Promise<unknown>;
}

export function createChainEvents(publisher: EventPublisher, logger: Logger, onPublished?: (subject: string) => void): ChainEvents {
  const send = (subject: string, payload: Uint8Array) => {
    publisher.publish(subject, payload).then(
      () => onPublished?.(subject),
      (err) => logger.error({ subject, err: String(err) }, "event publish failed"),
    );
  };
  return {
    blockApplied({ block, receipt, head, live, newLib, forkHeads }) {
      if (newLib) send(Subjects.blockIrreversible, broadcast.BlockIrreversible.encode({ topology: topology(newLib) }).finish());
      const accept = blockAcceptMessage(block, receipt, { head, live });
      send(accept.subject, accept.data);
      send(Subjects.blockForks, broadcast.ForkHeads.encode(forkHeads).finish());
      const parcels = eventParcelMessages(block, receipt, (event, err) => logger.warn({ event: event.name, err: String(err) }, "contract event not published: its name cannot be a subject"));
      for (const m of parcels) send(m.subject, m.data);
      logger.debug({ block: toHex(block.id), height: Number(block.header?.height ?? 0n), head }, "block events published");
    },
    /** Awaited: a receipt is returned only once the accept is durably on the bus. */
    async transactionAccepted({ transaction, receipt, height }) {
      await publisher.publish(Subjects.transactionAccept, broadcast.TransactionAccepted.encode({ transaction, receipt, height, system_disk_storage_used: 0n, system_network_bandwidth_used: 0n, system_compute_bandwidth_used: 0n }).finish());
      onPublished?.(Subjects.transactionAccept);
    },
    transactionFailed({ id, reason }) {
      send(Subjects.transactionFail, broadcast.TransactionFailed.encode({ id, reason }).finish());
    },
  };
}
