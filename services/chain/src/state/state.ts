/**
 * Chain state: key/value objects in object spaces (Koinos's model). The head state lives in
 * memory (`MemoryState`, loaded from the database at start; the database is the record);
 * changes are made in copy-on-write `StateLayer`s stacked on a reader, so a transaction, an
 * operation or a whole block can be committed into its parent or thrown away.
 */
import { compareBytes, toHex } from "@cairn/core";
import { protocol } from "@cairn/proto";

export type ObjectSpace = protocol.ObjectSpace;

/** One stored object. */
export interface StateEntry {
  space: ObjectSpace;
  key: Uint8Array;
  value: Uint8Array;
}

/** A change: `value` undefined means deleted. */
export interface StateChange {
  space: ObjectSpace;
  key: Uint8Array;
  value: Uint8Array | undefined;
}

/** The space part of a `stateKey`: system flag, id and zone (a contract id: hex of 20-25 bytes). */
function spacePrefix(space: ObjectSpace): string {
  return `${space.system ? "s" : "u"}${space.id}:${toHex(space.zone)}:`;
}

/** Prefixes of the spaces made by `fixedSpace`, by identity. */
const fixedPrefixes = new WeakMap<ObjectSpace, string>();

/**
 * `space`, frozen, its `stateKey` prefix made once: for the spaces used on every transaction (the
 * chain's system spaces, a native contract's) — KOIN's balance key was hex-encoding its zone on
 * every object access. Any other space makes its prefix per key, as before.
 */
export function fixedSpace(space: ObjectSpace): ObjectSpace {
  Object.freeze(space);
  fixedPrefixes.set(space, spacePrefix(space));
  return space;
}

/** Map key of an object: space (system flag, zone, id) and key, as text. */
export function stateKey(space: ObjectSpace, key: Uint8Array): string {
  return (fixedPrefixes.get(space) ?? spacePrefix(space)) + toHex(key);
}

/** Anything state can be read from. */
export interface StateReader {
  get(space: ObjectSpace, key: Uint8Array): Uint8Array | undefined;
  /**
   * `get` with the object's `stateKey` already made: a read through a stack of layers makes the
   * key once, not once per layer (every object a transaction touches is read this way).
   */
  getKeyed?(k: string, space: ObjectSpace, key: Uint8Array): Uint8Array | undefined;
  /** Objects of one space (sorted by key), for get_next/get_prev style reads. */
  entries(space: ObjectSpace): StateEntry[];
  /** Counts the changes applied to a mutable state: equal revisions, same content. Absent: unknown. */
  readonly revision?: number;
}

/** The head state: every object in memory. */
export class MemoryState implements StateReader {
  private readonly objects = new Map<string, StateEntry>();
  /** Bumped by every `apply` and `clear`. */
  revision = 0;

  get size(): number {
    return this.objects.size;
  }

  get(space: ObjectSpace, key: Uint8Array): Uint8Array | undefined {
    return this.objects.get(stateKey(space, key))?.value;
  }

  getKeyed(k: string): Uint8Array | undefined {
    return this.objects.get(k)?.value;
  }

  entries(space: ObjectSpace): StateEntry[] {
    const prefix = stateKey(space, new Uint8Array());
    const out: StateEntry[] = [];
    for (const [k, e] of this.objects) if (k.startsWith(prefix)) out.push(e);
    return out.sort((a, b) => compareBytes(a.key, b.key));
  }

  all(): IterableIterator<StateEntry> {
    return this.objects.values();
  }

  /** Applies changes in order (the last change of a key wins). */
  apply(changes: Iterable<StateChange>): void {
    this.revision++;
    for (const c of changes) {
      const k = stateKey(c.space, c.key);
      if (c.value === undefined) this.objects.delete(k);
      else this.objects.set(k, { space: c.space, key: c.key, value: c.value });
    }
  }

  clear(): void {
    this.revision++;
    this.objects.clear();
  }
}

/** A reader that sees `overrides` first (undefined value = deleted) and `base` below. */
export class OverlayReader implements StateReader {
  constructor(
    private readonly base: StateReader,
    private readonly overrides: Map<string, StateChange>,
  ) {}

  get(space: ObjectSpace, key: Uint8Array): Uint8Array | undefined {
    return this.getKeyed(stateKey(space, key), space, key);
  }

  getKeyed(k: string, space: ObjectSpace, key: Uint8Array): Uint8Array | undefined {
    const o = this.overrides.get(k);
    return o ? o.value : readKeyed(this.base, k, space, key);
  }

  entries(space: ObjectSpace): StateEntry[] {
    return mergeEntries(this.base.entries(space), this.overrides, space);
  }
}

/** `reader`'s value of the object keyed `k` (`stateKey(space, key)`), through `getKeyed` when it has one. */
function readKeyed(reader: StateReader, k: string, space: ObjectSpace, key: Uint8Array): Uint8Array | undefined {
  return reader.getKeyed ? reader.getKeyed(k, space, key) : reader.get(space, key);
}

function mergeEntries(base: StateEntry[], changes: Map<string, StateChange>, space: ObjectSpace): StateEntry[] {
  const prefix = stateKey(space, new Uint8Array());
  const byKey = new Map<string, StateEntry>();
  for (const e of base) byKey.set(stateKey(e.space, e.key), e);
  for (const [k, c] of changes) {
    if (!k.startsWith(prefix)) continue;
    if (c.value === undefined) byKey.delete(k);
    else byKey.set(k, { space: c.space, key: c.key, value: c.value });
  }
  return [...byKey.values()].sort((a, b) => compareBytes(a.key, b.key));
}

/** A copy-on-write layer: records changes over a parent reader. */
export class StateLayer implements StateReader {
  readonly changes = new Map<string, StateChange>();

  constructor(readonly parent: StateReader) {}

  get(space: ObjectSpace, key: Uint8Array): Uint8Array | undefined {
    return this.getKeyed(stateKey(space, key), space, key);
  }

  getKeyed(k: string, space: ObjectSpace, key: Uint8Array): Uint8Array | undefined {
    const c = this.changes.get(k);
    return c ? c.value : readKeyed(this.parent, k, space, key);
  }

  entries(space: ObjectSpace): StateEntry[] {
    return mergeEntries(this.parent.entries(space), this.changes, space);
  }

  put(space: ObjectSpace, key: Uint8Array, value: Uint8Array): void {
    this.changes.set(stateKey(space, key), { space, key, value });
  }

  remove(space: ObjectSpace, key: Uint8Array): void {
    this.changes.set(stateKey(space, key), { space, key, value: undefined });
  }

  /** A child layer over this one. */
  child(): StateLayer {
    return new StateLayer(this);
  }

  /** Moves this layer's changes into `target` (normally its parent layer). */
  commitInto(target: StateLayer): void {
    for (const [k, c] of this.changes) target.changes.set(k, c);
    this.changes.clear();
  }

  /** Changes sorted by key: the canonical order for deltas and merkle roots. */
  sortedChanges(): StateChange[] {
    return [...this.changes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
  }
}

/** The undo of `changes` against `before`: what each key held before (undefined = absent). */
export function undoOf(changes: readonly StateChange[], before: StateReader): StateChange[] {
  return changes.map((c) => ({ space: c.space, key: c.key, value: before.get(c.space, c.key) }));
}

/**
 * Changes as Koinos state delta entries (value absent = deletion). Entries share the change's
 * space object (the fixed spaces are frozen; none is changed in place): every receipt of every
 * transaction has these, twice per transfer, and a copy per entry was ~1% of the dev node's CPU.
 */
export function toDeltaEntries(changes: readonly StateChange[]): protocol.StateDeltaEntry[] {
  return changes.map((c) => ({ object_space: c.space, key: c.key, value: c.value }));
}

export function fromDeltaEntries(entries: readonly protocol.StateDeltaEntry[]): StateChange[] {
  return entries.map((e) => ({ space: e.object_space ?? protocol.ObjectSpace.create(), key: e.key, value: e.value }));
}

/** Encoded changes (`encodeChanges`): one buffer instead of an object and two arrays per change. */
export type PackedChanges = Uint8Array;

/** No changes, encoded. */
export const NO_CHANGES: PackedChanges = new Uint8Array();

/** Changes as one buffer: length-prefixed delta entries, the `blocks` table's column format. */
export function encodeChanges(changes: readonly StateChange[]): PackedChanges {
  if (changes.length === 0) return NO_CHANGES;
  // A BlockReceipt carrying only state_delta_entries is a ready-made "list of entries" message.
  return protocol.BlockReceipt.encode(protocol.BlockReceipt.fromPartial({ state_delta_entries: toDeltaEntries(changes) })).finish();
}

export function decodeChanges(bytes: PackedChanges | null): StateChange[] {
  if (!bytes || bytes.length === 0) return [];
  return fromDeltaEntries(protocol.BlockReceipt.decode(bytes).state_delta_entries);
}
