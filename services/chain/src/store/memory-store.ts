/**
 * ChainStore in memory: the fast twin of DrizzleChainStore (same contract suite), for unit tests
 * and the one-process dev node. `dump()` gives the whole content as structured-cloneable data
 * (the dev node's snapshots) and `MemoryChainStore.fromDump` rebuilds a store from it.
 */
import { toHex } from "@cairn/core";
import type { ForkTreeEntry } from "../fork-tree.ts";
import { MemoryState, type StateEntry } from "../state/state.ts";
import type { BlockCommit, ChainMeta, ChainStore, LoadedChain } from "./store.ts";

interface Row {
  node: ForkTreeEntry;
  reversible: boolean;
}

/** The whole content of a `MemoryChainStore`, structured-cloneable. */
export interface ChainStoreDump {
  version: 1;
  meta: ChainMeta | undefined;
  state: StateEntry[];
  rows: Row[];
}

export class MemoryChainStore implements ChainStore {
  private meta: ChainMeta | undefined;
  private readonly state = new MemoryState();
  private readonly rows = new Map<string, Row>();
  /** Commits seen (tests use it to simulate failures). */
  commits = 0;
  /** When set, the next commit throws this before changing anything. */
  failNextCommit: Error | undefined;

  /** A copy of everything the store holds (later commits do not change it). */
  dump(): ChainStoreDump {
    return structuredClone({ version: 1 as const, meta: this.meta, state: [...this.state.all()], rows: [...this.rows.values()] });
  }

  /** A store holding what `dump` returned (the dump is not kept: later changes do not reach it). */
  static fromDump(dump: ChainStoreDump): MemoryChainStore {
    if (dump.version !== 1) throw new Error(`chain store dump version ${String(dump.version)} is not one this node reads`);
    const store = new MemoryChainStore();
    const copy = structuredClone(dump);
    store.meta = copy.meta;
    store.state.apply(copy.state);
    for (const row of copy.rows) store.rows.set(row.node.idHex, row);
    return store;
  }

  async load(): Promise<LoadedChain> {
    const blocks: ForkTreeEntry[] = [];
    for (const r of this.rows.values()) {
      if (r.reversible || (this.meta && toHex(this.meta.libId) === r.node.idHex)) blocks.push(structuredClone(r.node));
    }
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
    this.commits++;
    if (!this.rows.has(c.block.idHex)) this.rows.set(c.block.idHex, { node: structuredClone(c.block), reversible: true });
    this.state.apply(c.stateChanges);
    if (!this.meta) throw new Error("commit before genesis");
    if (c.headId) this.meta.headId = c.headId;
    if (c.libId) this.meta.libId = c.libId;
    for (const id of c.removed) this.rows.delete(toHex(id));
    for (const id of c.irreversible) {
      const r = this.rows.get(toHex(id));
      if (r) {
        r.reversible = false;
        r.node = { ...r.node, changes: [], undo: [], block: undefined, receipt: undefined };
      }
    }
  }

  async blockIdAtHeight(height: bigint): Promise<Uint8Array | undefined> {
    for (const r of this.rows.values()) if (!r.reversible && r.node.height === height) return r.node.id;
    return undefined;
  }

  async reset(): Promise<void> {
    this.meta = undefined;
    this.state.clear();
    this.rows.clear();
  }
}
