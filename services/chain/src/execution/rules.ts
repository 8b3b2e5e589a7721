/** The chain-wide facts execution needs: chain id, system authority, KOIN, resource prices. */
import { protocol } from "@cairn/proto";
import { METADATA_KEYS } from "@cairn/protocol";
import { SPACES } from "../state/spaces.ts";
import type { StateReader } from "../state/state.ts";

export interface ChainRules {
  chainId: Uint8Array;
  /** Genesis key address: signs blocks; the chain's system authority. */
  genesisAddress: Uint8Array;
  /** Address of the native KOIN contract (mana = rc). */
  koinId: Uint8Array;
}

/**
 * Decoded limits by the stored bytes they came from. State values are never written in place
 * (a change stores new bytes), so the same bytes always decode the same; the limits are read
 * several times per transaction.
 */
const decodedLimits = new WeakMap<Uint8Array, Readonly<protocol.ResourceLimitData>>();

/**
 * Resource limits and prices from the metadata space (genesis `resource_limit_data`). The result
 * is shared and frozen (every field is a bigint): copy it to change it.
 */
export function resourceLimits(state: StateReader): Readonly<protocol.ResourceLimitData> {
  const raw = state.get(SPACES.metadata, METADATA_KEYS.resourceLimitData);
  if (!raw) return protocol.ResourceLimitData.create();
  let limits = decodedLimits.get(raw);
  if (limits === undefined) {
    limits = Object.freeze(protocol.ResourceLimitData.decode(raw));
    decodedLimits.set(raw, limits);
  }
  return limits;
}
