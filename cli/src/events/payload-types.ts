/**
 * Which `cairn.broadcast.v1` message each Koinos subject carries (protocol §6, architecture §4), so the
 * event tools can decode a payload from its subject alone.
 */
import { CONTRACT_EVENT_PREFIX, Subjects } from "@cairn/bus";

const BROADCAST = "cairn.broadcast.v1";

/** Payload type of every fixed subject. */
const FIXED: Readonly<Record<string, string>> = {
  [Subjects.blockAccept]: `${BROADCAST}.BlockAccepted`,
  [Subjects.blockIrreversible]: `${BROADCAST}.BlockIrreversible`,
  [Subjects.blockForks]: `${BROADCAST}.ForkHeads`,
  [Subjects.transactionAccept]: `${BROADCAST}.TransactionAccepted`,
  [Subjects.transactionFail]: `${BROADCAST}.TransactionFailed`,
  [Subjects.mempoolAccept]: `${BROADCAST}.MempoolAccepted`,
  /** The mempool re-emits the chain's `BlockAccepted` bytes after pruning the block's transactions. */
  "koinos.mempool.block_accepted": `${BROADCAST}.BlockAccepted`,
  "koinos.gossip.status": `${BROADCAST}.GossipStatus`,
};

/**
 * The full proto type name of the payload published on `subject`
 * (`koinos.event.<contract>.<name>` → `EventParcel`), or undefined for a subject Koinos does not define.
 */
export function payloadTypeOf(subject: string): string | undefined {
  const fixed = FIXED[subject];
  if (fixed !== undefined) return fixed;
  // koinos.event.<contract>.<name…>: at least two tokens after the prefix.
  if (subject.startsWith(`${CONTRACT_EVENT_PREFIX}.`) && subject.split(".").length >= 4) return `${BROADCAST}.EventParcel`;
  return undefined;
}
