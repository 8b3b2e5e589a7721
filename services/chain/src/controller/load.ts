/**
 * Loading the chain: writes genesis on an empty store (or refuses a store that holds another
 * chain), then rebuilds head state, the fork tree above the LIB and the chain rules from it.
 */
import { type Logger, bytesEqual, toHex } from "@cairn/core";
import type { protocol } from "@cairn/proto";
import { METADATA_KEYS, ZERO_ID } from "@cairn/protocol";
import { SPACES } from "../contracts/spaces.ts";
import { ChainError } from "../execution/errors.ts";
import type { ChainRules } from "../execution/rules.ts";
import { ForkTree, genesisNode } from "../fork-tree.ts";
import { genesisState } from "../genesis.ts";
import type { MemoryState } from "../state/state.ts";
import type { ChainStore } from "../store/store.ts";

export interface Loaded {
  tree: ForkTree;
  rules: ChainRules;
}

/** Fills `state` from the store (writing genesis first when empty); returns the tree and rules. */
export async function loadChain(store: ChainStore, genesis: protocol.GenesisData, koinId: Uint8Array, state: MemoryState, logger: Logger): Promise<Loaded> {
  const g = genesisState(genesis);
  let loaded = await store.load();
  if (!loaded.meta) {
    await store.initGenesis({ chainId: g.chainId, genesisRoot: g.stateRoot, headId: ZERO_ID, libId: ZERO_ID }, g.changes.map((c) => ({ space: c.space, key: c.key, value: c.value! })));
    loaded = await store.load();
    logger.info({ chainId: toHex(g.chainId) }, "genesis written");
  } else if (!bytesEqual(loaded.meta.chainId, g.chainId)) {
    throw new ChainError("unexpected_state", `the database holds chain 0x${toHex(loaded.meta.chainId)} but the genesis configured gives 0x${toHex(g.chainId)}`);
  }
  const meta = loaded.meta!;
  state.clear();
  state.apply(loaded.state);
  const genesisBlock = genesisNode(meta.genesisRoot);
  const byId = new Map(loaded.blocks.map((b) => [b.idHex, b]));
  const lib = byId.get(toHex(meta.libId)) ?? genesisBlock;
  const head = byId.get(toHex(meta.headId)) ?? genesisBlock;
  const tree = new ForkTree(lib, head);
  for (const b of loaded.blocks) tree.add(b);
  const genesisKey = state.get(SPACES.metadata, METADATA_KEYS.genesisKey);
  if (!genesisKey) throw new ChainError("unexpected_state", "genesis has no genesis_key object");
  logger.info({ head: Number(head.height), headId: head.idHex, lib: Number(lib.height), objects: state.size }, "chain loaded");
  return { tree, rules: { chainId: meta.chainId, genesisAddress: genesisKey, koinId } };
}
