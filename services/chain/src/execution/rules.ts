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

/** Resource limits and prices from the metadata space (genesis `resource_limit_data`). */
export function resourceLimits(state: StateReader): protocol.ResourceLimitData {
  const raw = state.get(SPACES.metadata, METADATA_KEYS.resourceLimitData);
  return raw ? protocol.ResourceLimitData.decode(raw) : protocol.ResourceLimitData.create();
}
