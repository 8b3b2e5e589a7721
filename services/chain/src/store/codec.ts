/** Serialization of state change lists for the `blocks` table (length-prefixed delta entries). */
import { protocol } from "@cairn/proto";
import { fromDeltaEntries, type StateChange, toDeltaEntries } from "../state/state.ts";

export function encodeChanges(changes: readonly StateChange[]): Uint8Array {
  // A BlockReceipt carrying only state_delta_entries is a ready-made "list of entries" message.
  return protocol.BlockReceipt.encode(protocol.BlockReceipt.fromPartial({ state_delta_entries: toDeltaEntries(changes) })).finish();
}

export function decodeChanges(bytes: Uint8Array | null): StateChange[] {
  if (!bytes || bytes.length === 0) return [];
  return fromDeltaEntries(protocol.BlockReceipt.decode(bytes).state_delta_entries);
}
