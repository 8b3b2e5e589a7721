/**
 * The reversible part of the chain: every applied block above (and including) the LIB, with the
 * state changes and undo it made relative to its parent, so that any fork's state can be seen
 * as an overlay on the head state and the head can switch forks down to the LIB.
 */
import { toHex } from "@cairn/core";
import { protocol } from "@cairn/proto";
import { ZERO_ID } from "@cairn/protocol";
import { type PackedChanges, type StateChange, NO_CHANGES, OverlayReader, type StateReader, decodeChanges, stateKey } from "./state/state.ts";

export interface ForkTreeEntry {
  id: Uint8Array;
  idHex: string;
  height: bigint;
  previous: Uint8Array;
  previousHex: string;
  timestamp: bigint;
  stateRoot: Uint8Array;
  /**
   * Changes relative to the parent (empty once irreversible), encoded: read only on a fork switch
   * or a read at a block other than the head. As objects (an object and two byte arrays per change,
   * ~50,000 for the last 60 blocks of a busy chain), they outlived the garbage they were allocated
   * among and kept tens of MB of the heap from being released.
   */
  changes: PackedChanges;
  /** Values those keys had at the parent (empty once irreversible), encoded likewise. */
  undo: PackedChanges;
  /** Block and receipt: not kept by the chain (the block store holds them); rows written before may have them. */
  block?: protocol.Block;
  receipt?: protocol.BlockReceipt;
}

export type ForkChoice = "fifo" | "block-time";

/** The pseudo-block before block 1: id = zero multihash, height 0, the genesis state root. */
export function genesisNode(stateRoot: Uint8Array): ForkTreeEntry {
  return { id: ZERO_ID, idHex: toHex(ZERO_ID), height: 0n, previous: new Uint8Array(), previousHex: "", timestamp: 0n, stateRoot, changes: NO_CHANGES, undo: NO_CHANGES };
}

export function topology(n: ForkTreeEntry): protocol.BlockTopology {
  return protocol.BlockTopology.fromPartial({ id: n.id, height: n.height, previous: n.previous });
}

export class ForkTree {
  private readonly nodes = new Map<string, ForkTreeEntry>();

  constructor(
    public lib: ForkTreeEntry,
    public head: ForkTreeEntry,
  ) {
    this.nodes.set(lib.idHex, lib);
    this.nodes.set(head.idHex, head);
  }

  get(idHex: string): ForkTreeEntry | undefined {
    return this.nodes.get(idHex);
  }

  add(node: ForkTreeEntry): void {
    this.nodes.set(node.idHex, node);
  }

  remove(idHex: string): void {
    this.nodes.delete(idHex);
  }

  all(): IterableIterator<ForkTreeEntry> {
    return this.nodes.values();
  }

  /** Whether `candidate` should become head instead of the current head. */
  isBetter(candidate: ForkTreeEntry, choice: ForkChoice): boolean {
    if (candidate.height !== this.head.height) return candidate.height > this.head.height;
    return choice === "block-time" && candidate.timestamp < this.head.timestamp;
  }

  /** Ancestors of `node` from itself down to (excluding) the one at `height`. */
  private parentOf(node: ForkTreeEntry): ForkTreeEntry | undefined {
    return this.nodes.get(node.previousHex);
  }

  /** The ancestor of `node` at `height` (node itself when equal). */
  ancestorAt(node: ForkTreeEntry, height: bigint): ForkTreeEntry | undefined {
    let n: ForkTreeEntry | undefined = node;
    while (n && n.height > height) n = this.parentOf(n);
    return n && n.height === height ? n : undefined;
  }

  /**
   * Path between two nodes: `down` from `from` to just above their common ancestor (from first),
   * `up` from just above the ancestor to `to` (ascending).
   */
  path(from: ForkTreeEntry, to: ForkTreeEntry): { down: ForkTreeEntry[]; up: ForkTreeEntry[]; ancestor: ForkTreeEntry } {
    const down: ForkTreeEntry[] = [];
    const up: ForkTreeEntry[] = [];
    let a: ForkTreeEntry = from;
    let b: ForkTreeEntry = to;
    while (a.height > b.height) {
      down.push(a);
      a = this.mustParent(a);
    }
    while (b.height > a.height) {
      up.push(b);
      b = this.mustParent(b);
    }
    while (a.idHex !== b.idHex) {
      down.push(a);
      up.push(b);
      a = this.mustParent(a);
      b = this.mustParent(b);
    }
    return { down, up: up.reverse(), ancestor: a };
  }

  private mustParent(n: ForkTreeEntry): ForkTreeEntry {
    const p = this.parentOf(n);
    if (!p) throw new Error(`fork tree is missing the parent of block 0x${n.idHex}`);
    return p;
  }

  /** Changes that turn the state at `from` into the state at `to`, in order. */
  transition(from: ForkTreeEntry, to: ForkTreeEntry): StateChange[] {
    const { down, up } = this.path(from, to);
    const out: StateChange[] = [];
    for (const n of down) out.push(...decodeChanges(n.undo));
    for (const n of up) out.push(...decodeChanges(n.changes));
    return out;
  }

  /** A reader of the state at `node`, given the reader of the head state. */
  stateAt(node: ForkTreeEntry, headState: StateReader): StateReader {
    if (node.idHex === this.head.idHex) return headState;
    const overrides = new Map<string, StateChange>();
    for (const c of this.transition(this.head, node)) overrides.set(stateKey(c.space, c.key), c);
    return new OverlayReader(headState, overrides);
  }

  /** Fork heads (leaves), highest first, the head first among equals. */
  leaves(): ForkTreeEntry[] {
    const hasChild = new Set<string>();
    for (const n of this.nodes.values()) hasChild.add(n.previousHex);
    const leaves = [...this.nodes.values()].filter((n) => !hasChild.has(n.idHex));
    return leaves.sort((a, b) => (a.height !== b.height ? (b.height > a.height ? 1 : -1) : a.idHex === this.head.idHex ? -1 : b.idHex === this.head.idHex ? 1 : 0));
  }

  /**
   * Moves the LIB to `newLib` (an ancestor of head): forgets every node that does not descend
   * from it, and the new LIB's own undo. Returns the ids removed and the main-chain ids that
   * became irreversible.
   */
  advanceLib(newLib: ForkTreeEntry): { removed: ForkTreeEntry[]; irreversible: ForkTreeEntry[] } {
    const mainBelow = new Set<string>();
    for (let m = this.nodes.get(newLib.previousHex); m; m = this.nodes.get(m.previousHex)) mainBelow.add(m.idHex);
    const keep = new Set<string>();
    for (const n of this.nodes.values()) {
      if (n.height < newLib.height) continue;
      const anc = this.ancestorAt(n, newLib.height);
      if (anc && anc.idHex === newLib.idHex) keep.add(n.idHex);
    }
    const removed: ForkTreeEntry[] = [];
    const irreversible: ForkTreeEntry[] = [];
    for (const n of [...this.nodes.values()]) {
      if (keep.has(n.idHex)) continue;
      this.nodes.delete(n.idHex);
      (mainBelow.has(n.idHex) ? irreversible : removed).push(n);
    }
    newLib.changes = NO_CHANGES;
    newLib.undo = NO_CHANGES;
    irreversible.push(newLib);
    this.lib = newLib;
    return { removed, irreversible };
  }
}
