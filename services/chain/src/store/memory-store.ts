/**
 * ChainStore in memory: the twin of DrizzleChainStore (same contract suite), for unit tests and
 * the one-process dev node. Reversible blocks are kept whole (a bounded set: they become
 * irreversible `irreversibleThreshold` blocks later); an irreversible block is reduced to its id in
 * an array indexed by height (the LIB's own entry is kept too, `load` returns it), so a long
 * chain costs a few dozen bytes a block and `blockIdAtHeight` is one array read.
 *
 * `dump()` returns the whole content as structured-cloneable data (snapshots, snapshot files) and
 * `MemoryChainStore.fromDump` rebuilds a store from it. The irreversible ids travel packed in one
 * buffer (one byte array per block would be one buffer each to clone and allocate again: most of
 * the dump's load time on a long chain); the first dump version (an array of ids) is still read.
 */
import { bytesEqual, toHex } from "@cairn/core";
import type { ForkTreeEntry } from "../fork-tree.ts";
import { MemoryState, NO_CHANGES, type StateChange, type StateEntry, encodeChanges } from "../state/state.ts";
import type { BlockCommit, ChainMeta, ChainStore, LoadedChain } from "./store.ts";

/** The whole content of a `MemoryChainStore`, structured-cloneable: what `dump()` writes. */
export interface ChainStoreDump {
  version: 2;
  meta: ChainMeta | undefined;
  state: StateEntry[];
  /** Reversible blocks, in commit order. */
  reversible: ForkTreeEntry[];
  /** The LIB's entry once irreversible (changes and undo dropped), when it is a stored block. */
  lib: ForkTreeEntry | undefined;
  /** Irreversible block ids, height 1 up, one after the other. */
  irreversibleIds: Uint8Array;
  /** Each one's length, index = height - 1 (0: a hole, a height never made irreversible here). */
  irreversibleLengths: Int32Array;
}

/** The first dump version (still read): the irreversible ids as an array. */
export interface ChainStoreDumpV1 extends Omit<ChainStoreDump, "version" | "irreversibleIds" | "irreversibleLengths"> {
  version: 1;
  /** Irreversible block ids, index = height - 1 (holes: heights never made irreversible here). */
  irreversible: (Uint8Array | undefined)[];
}

/** `ids` (with holes) packed: their bytes one after the other, and each one's length (0 for a hole). */
function packIds(ids: readonly (Uint8Array | undefined)[]): { bytes: Uint8Array; lengths: Int32Array } {
  const lengths = new Int32Array(ids.length);
  let total = 0;
  for (let i = 0; i < ids.length; i++) total += lengths[i] = ids[i]?.length ?? 0;
  const bytes = new Uint8Array(total);
  for (let i = 0, at = 0; i < ids.length; at += lengths[i]!, i++) if (ids[i]) bytes.set(ids[i]!, at);
  return { bytes, lengths };
}

/** The inverse of `packIds`: views of `bytes` (which no one writes to). */
function unpackIds(bytes: Uint8Array, lengths: Int32Array): (Uint8Array | undefined)[] {
  const ids = new Array<Uint8Array | undefined>(lengths.length);
  for (let i = 0, at = 0; i < lengths.length; at += lengths[i]!, i++) ids[i] = lengths[i] === 0 ? undefined : bytes.subarray(at, at + lengths[i]!);
  return ids;
}

/** A dump's entry with its changes encoded: dumps written before they were (snapshot files) hold lists. */
function packedEntry(n: ForkTreeEntry): ForkTreeEntry {
  const pack = (c: Uint8Array | StateChange[]) => (c instanceof Uint8Array ? c : encodeChanges(c));
  return { ...n, changes: pack(n.changes as Uint8Array | StateChange[]), undo: pack(n.undo as Uint8Array | StateChange[]) };
}

export class MemoryChainStore implements ChainStore {
  private meta: ChainMeta | undefined;
  private readonly state = new MemoryState();
  /** Reversible blocks by id hex. */
  private readonly reversible = new Map<string, ForkTreeEntry>();
  /** The entry of the LIB when it became irreversible here. */
  private lib: ForkTreeEntry | undefined;
  /** Irreversible block ids, index = height - 1. */
  private irreversible: (Uint8Array | undefined)[] = [];
  /** Commits seen (tests use it to simulate failures). */
  commits = 0;
  /** When set, the next commit throws this before changing anything. */
  failNextCommit: Error | undefined;

  /** A store holding `dump` (from `dump()` of this or another process). */
  static fromDump(dump: ChainStoreDump | ChainStoreDumpV1): MemoryChainStore {
    if (dump.version !== 1 && dump.version !== 2) throw new Error(`unknown chain store dump version ${String((dump as { version: unknown }).version)}`);
    const store = new MemoryChainStore();
    store.meta = dump.meta && { ...dump.meta };
    store.state.apply(dump.state);
    for (const n of dump.reversible) store.reversible.set(n.idHex, packedEntry(n));
    store.lib = dump.lib && packedEntry(dump.lib);
    store.irreversible = dump.version === 1 ? [...dump.irreversible] : unpackIds(dump.irreversibleIds, dump.irreversibleLengths);
    return store;
  }

  /** The whole content as plain data (shares the stored values, which never change in place; the irreversible ids packed). */
  dump(): ChainStoreDump {
    const irreversible = packIds(this.irreversible);
    return {
      version: 2,
      meta: this.meta && { ...this.meta },
      state: [...this.state.all()],
      reversible: [...this.reversible.values()],
      lib: this.lib,
      irreversibleIds: irreversible.bytes,
      irreversibleLengths: irreversible.lengths,
    };
  }

  async load(): Promise<LoadedChain> {
    const blocks: ForkTreeEntry[] = [...this.reversible.values()].map((n) => structuredClone(n));
    if (this.lib && this.meta && toHex(this.meta.libId) === this.lib.idHex) blocks.push(structuredClone(this.lib));
    return { meta: this.meta && { ...this.meta }, state: [...this.state.all()].map((e) => ({ ...e })), blocks };
  }

  async initGenesis(meta: ChainMeta, state: StateEntry[]): Promise<void> {
    this.state.apply(state);
    this.meta = { ...meta };
  }

  async commit(c: BlockCommit): Promise<void> {
    if (this.failNextCommit) {
      const e = this.failNextCommit;
      this.failNextCommit = undefined;
      throw e;
    }
    if (!this.meta) throw new Error("commit before genesis");
    this.commits++;
    const settled = this.irreversible[Number(c.block.height) - 1];
    // A block is written once (the database's ON CONFLICT DO NOTHING).
    // Our own entry and lists; the changes themselves are values nobody changes in place.
    if (!this.reversible.has(c.block.idHex) && !(settled && bytesEqual(settled, c.block.id))) this.reversible.set(c.block.idHex, { ...c.block });
    this.state.apply(c.stateChanges);
    if (c.headId) this.meta.headId = c.headId;
    if (c.libId) this.meta.libId = c.libId;
    for (const id of c.removed) this.reversible.delete(toHex(id));
    for (const id of c.irreversible) {
      const key = toHex(id);
      const n = this.reversible.get(key);
      if (!n) continue;
      this.reversible.delete(key);
      this.irreversible[Number(n.height) - 1] = n.id;
      if (key === toHex(this.meta.libId)) this.lib = { ...n, changes: NO_CHANGES, undo: NO_CHANGES, block: undefined, receipt: undefined };
    }
  }

  async blockIdAtHeight(height: bigint): Promise<Uint8Array | undefined> {
    return height < 1n ? undefined : this.irreversible[Number(height) - 1];
  }

  async reset(): Promise<void> {
    this.meta = undefined;
    this.state.clear();
    this.reversible.clear();
    this.lib = undefined;
    this.irreversible = [];
  }
}
