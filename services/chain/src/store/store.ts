/**
 * The chain's durable record. Everything a block does — its record, the head state's changes,
 * the new head and LIB, pruned forks — commits in ONE database transaction, so a crash never
 * leaves half a block. The in-memory head state and fork tree are rebuilt from it at start.
 */
import type { StateChange, StateEntry } from "../state/state.ts";
import type { ForkTreeEntry } from "../fork-tree.ts";

export interface ChainMeta {
  chainId: Uint8Array;
  genesisRoot: Uint8Array;
  headId: Uint8Array;
  libId: Uint8Array;
}

export interface LoadedChain {
  meta: ChainMeta | undefined;
  state: StateEntry[];
  /** Reversible blocks (above the LIB) and the LIB itself, with their changes and undo. */
  blocks: ForkTreeEntry[];
}

export interface BlockCommit {
  /** The new block (reversible). */
  block: ForkTreeEntry;
  /** Changes to the persisted head state (empty when the head did not move). */
  stateChanges: StateChange[];
  headId?: Uint8Array;
  libId?: Uint8Array;
  /** Side-fork blocks that fell below the LIB. */
  removed: Uint8Array[];
  /** Main-chain blocks that became irreversible (their bodies and undo are dropped). */
  irreversible: Uint8Array[];
}

export interface ChainStore {
  load(): Promise<LoadedChain>;
  /** Writes the genesis state and metadata (head = LIB = genesis) in one transaction. */
  initGenesis(meta: ChainMeta, state: StateEntry[]): Promise<void>;
  commit(c: BlockCommit): Promise<void>;
  /** Main-chain block id at `height`, if irreversible or reversible on the head's chain. */
  blockIdAtHeight(height: bigint): Promise<Uint8Array | undefined>;
  /** Deletes everything (for --reindex). */
  reset(): Promise<void>;
}
