/**
 * The bus messages of an applied block (protocol §6), built from the block and its receipt:
 * `koinos.block.irreversible` (when the LIB moved), `koinos.block.accept`, `koinos.block.forks`,
 * and one `koinos.event.<contract>.<name>` parcel per contract event — the block's own events
 * first, then each transaction's, in receipt order. The chain publishes them; `cairn events
 * republish` rebuilds the accept and the parcels from the block store; tests replay a harness
 * chain's blocks with them.
 */
import { type OutgoingMessage, Subjects, contractEventMessage, eventMessage } from "@cairn/bus";
import type { broadcast, protocol } from "@cairn/proto";
import { addressToBase58 } from "@cairn/protocol";

/** How a `koinos.block.accept` message is flagged. */
export interface AcceptFlags {
  /** The block was the head when applied. Default true. */
  head?: boolean;
  /** The block is new (not a replay). Default false. */
  live?: boolean;
}

/** The `koinos.block.accept` message of `block`. */
export function blockAcceptMessage(block: protocol.Block, receipt: protocol.BlockReceipt, flags: AcceptFlags = {}): OutgoingMessage {
  return eventMessage(Subjects.blockAccept, { block, receipt, live: flags.live ?? false, head: flags.head ?? true });
}

/** An applied block as the chain reports it. */
export interface AppliedBlockEvent {
  block: protocol.Block;
  receipt: protocol.BlockReceipt;
  /** The block became the head. */
  head: boolean;
  /** The block is new (not a replay). */
  live: boolean;
  /** The new LIB, when applying the block moved it. */
  lib?: protocol.BlockTopology;
  forkHeads: broadcast.ForkHeads;
}

/** Every message of an applied block, in the order the chain publishes them (see the file comment). */
export function blockAppliedMessages(e: AppliedBlockEvent, onInvalid?: (event: protocol.EventData, err: unknown) => void): OutgoingMessage[] {
  return [
    ...(e.lib ? [eventMessage(Subjects.blockIrreversible, { topology: e.lib })] : []),
    blockAcceptMessage(e.block, e.receipt, { head: e.head, live: e.live }),
    eventMessage(Subjects.blockForks, e.forkHeads),
    ...eventParcelMessages(e.block, e.receipt, onInvalid),
  ];
}

/**
 * The contract event parcels of `block`, in the chain's order. An event whose name cannot be a
 * subject token (contracts choose names freely; whitespace or wildcards are not allowed in NATS
 * subjects) is left out and reported to `onInvalid`.
 */
export function eventParcelMessages(block: protocol.Block, receipt: protocol.BlockReceipt, onInvalid?: (event: protocol.EventData, err: unknown) => void): OutgoingMessage[] {
  const height = block.header?.height ?? 0n;
  const out: OutgoingMessage[] = [];
  const add = (event: protocol.EventData, transactionId: Uint8Array | undefined) => {
    try {
      out.push(contractEventMessage(addressToBase58(event.source), event.name, { block_id: block.id, height, transaction_id: transactionId, event }));
    } catch (err) {
      onInvalid?.(event, err);
    }
  };
  for (const e of receipt.events) add(e, undefined);
  for (const r of receipt.transaction_receipts) for (const e of r.events) add(e, r.id);
  return out;
}
