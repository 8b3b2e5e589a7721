/**
 * The messages the chain publishes for an applied block, rebuilt from the block and its receipt
 * (services/chain/src/events.ts): `koinos.block.accept`, then one `koinos.event.<contract>.<name>`
 * parcel per contract event — first the block's own events, then each transaction's, in receipt
 * order. `koinos.block.irreversible` and `koinos.block.forks` describe the chain at the time the
 * block was applied and cannot be rebuilt from the block, so they are not republished.
 */
import type { OutgoingMessage } from "@cairn/bus";
import { type AcceptFlags, blockAcceptMessage, eventParcelMessages } from "@cairn/chain";
import type { protocol } from "@cairn/proto";

export { blockAcceptMessage, eventParcelMessages, type AcceptFlags };

/** Which messages to rebuild: `block` = `koinos.block.accept`, `events` = the contract event parcels. */
export type RepublishKind = "block" | "events";

/** Everything of `kinds` to publish again for one block, in the chain's order. */
export function blockMessages(block: protocol.Block, receipt: protocol.BlockReceipt, kinds: ReadonlySet<RepublishKind>, flags: AcceptFlags = {}): OutgoingMessage[] {
  return [...(kinds.has("block") ? [blockAcceptMessage(block, receipt, flags)] : []), ...(kinds.has("events") ? eventParcelMessages(block, receipt) : [])];
}
