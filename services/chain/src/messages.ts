/**
 * The bus messages of an applied block (protocol §6), built from the block and its receipt:
 * `koinos.block.accept`, and one `koinos.event.<contract>.<name>` parcel per contract event —
 * the block's own events first, then each transaction's, in receipt order. The chain publishes
 * them; `cairn events republish` rebuilds them from the block store.
 */
import { type OutgoingMessage, Subjects, contractEventSubject } from "@cairn/bus";
import { broadcast, type protocol } from "@cairn/proto";
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
  const data = broadcast.BlockAccepted.encode({ block, receipt, live: flags.live ?? false, head: flags.head ?? true }).finish();
  return { subject: Subjects.blockAccept, data };
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
    let subject: string;
    try {
      subject = contractEventSubject(addressToBase58(event.source), event.name);
    } catch (err) {
      onInvalid?.(event, err);
      return;
    }
    out.push({ subject, data: broadcast.EventParcel.encode({ block_id: block.id, height, transaction_id: transactionId, event }).finish() });
  };
  for (const e of receipt.events) add(e, undefined);
  for (const r of receipt.transaction_receipts) for (const e of r.events) add(e, r.id);
  return out;
}
