/**
 * The messages the chain publishes for an applied block, rebuilt from the block and its receipt
 * (services/chain/src/events.ts): `koinos.block.accept`, then one `koinos.event.<contract>.<name>`
 * parcel per contract event — first the block's own events, then each transaction's, in receipt
 * order. `koinos.block.irreversible` and `koinos.block.forks` describe the chain at the time the
 * block was applied and cannot be rebuilt from the block, so they are not republished.
 */
import { Subjects, contractEventSubject, type OutgoingMessage } from "@cairn/bus";
import { broadcast, type protocol } from "@cairn/proto";
import { addressToBase58 } from "@cairn/protocol";

/** Which messages to rebuild: `block` = `koinos.block.accept`, `events` = the contract event parcels. */
export type RepublishKind = "block" | "events";

/** How the `koinos.block.accept` message is flagged. */
export interface AcceptFlags {
  /** `BlockAccepted.head`: the block was the head when applied. Default true (blocks of the head chain). */
  head?: boolean;
  /** `BlockAccepted.live`: the block is new on the network. Default false (a replay). */
  live?: boolean;
}

/** The `koinos.block.accept` message of `block`. */
export function blockAcceptMessage(block: protocol.Block, receipt: protocol.BlockReceipt, flags: AcceptFlags = {}): OutgoingMessage {
  const data = broadcast.BlockAccepted.encode({ block, receipt, live: flags.live ?? false, head: flags.head ?? true }).finish();
  return { subject: Subjects.blockAccept, data };
}

/** The contract event parcels of `block`, in the chain's order. */
export function eventParcelMessages(block: protocol.Block, receipt: protocol.BlockReceipt): OutgoingMessage[] {
  const height = block.header?.height ?? 0n;
  const parcel = (event: protocol.EventData, transactionId: Uint8Array | undefined): OutgoingMessage => ({
    subject: contractEventSubject(addressToBase58(event.source), event.name),
    data: broadcast.EventParcel.encode({ block_id: block.id, height, transaction_id: transactionId, event }).finish(),
  });
  return [...receipt.events.map((e) => parcel(e, undefined)), ...receipt.transaction_receipts.flatMap((r) => r.events.map((e) => parcel(e, r.id)))];
}

/** Everything of `kinds` to publish again for one block, in the chain's order. */
export function blockMessages(block: protocol.Block, receipt: protocol.BlockReceipt, kinds: ReadonlySet<RepublishKind>, flags: AcceptFlags = {}): OutgoingMessage[] {
  return [...(kinds.has("block") ? [blockAcceptMessage(block, receipt, flags)] : []), ...(kinds.has("events") ? eventParcelMessages(block, receipt) : [])];
}
