/**
 * What the chain publishes (protocol §6, DESIGN §4): after a block, `koinos.block.irreversible`
 * (when the LIB moved), `koinos.block.accept`, `koinos.block.forks`, then one
 * `koinos.event.<contract>.<name>` per contract event; `koinos.transaction.accept` for every
 * broadcast transaction. Publishing is pipelined: calls are made in order, never awaited one by
 * one; failures are logged (consumers catch up from the block store).
 */
import { type Logger, toHex } from "@cairn/core";
import { broadcast } from "@cairn/proto";
import { addressToBase58 } from "@cairn/protocol";
import type { ChainEvents } from "./chain.ts";
import { topology } from "./fork-tree.ts";

/** The part of the event bus the chain uses. */
export interface EventPublisher {
  publish(subject: string, payload: Uint8Array): Promise<unknown>;
}

export const SUBJECTS = {
  blockAccept: "koinos.block.accept",
  blockIrreversible: "koinos.block.irreversible",
  blockForks: "koinos.block.forks",
  transactionAccept: "koinos.transaction.accept",
  transactionFail: "koinos.transaction.fail",
} as const;

export function contractEventSubject(source: Uint8Array, name: string): string {
  return `koinos.event.${addressToBase58(source)}.${name}`;
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
      if (newLib) send(SUBJECTS.blockIrreversible, broadcast.BlockIrreversible.encode({ topology: topology(newLib) }).finish());
      send(SUBJECTS.blockAccept, broadcast.BlockAccepted.encode({ block, receipt, live, head }).finish());
      send(SUBJECTS.blockForks, broadcast.ForkHeads.encode(forkHeads).finish());
      const height = block.header?.height ?? 0n;
      for (const e of receipt.events) send(contractEventSubject(e.source, e.name), broadcast.EventParcel.encode({ block_id: block.id, height, transaction_id: undefined, event: e }).finish());
      for (const r of receipt.transaction_receipts) {
        for (const e of r.events) send(contractEventSubject(e.source, e.name), broadcast.EventParcel.encode({ block_id: block.id, height, transaction_id: r.id, event: e }).finish());
      }
      logger.debug({ block: toHex(block.id), height: Number(height), head }, "block events published");
    },
    transactionAccepted({ transaction, receipt, height }) {
      send(SUBJECTS.transactionAccept, broadcast.TransactionAccepted.encode({ transaction, receipt, height, system_disk_storage_used: 0n, system_network_bandwidth_used: 0n, system_compute_bandwidth_used: 0n }).finish());
    },
  };
}
