/**
 * Compact containers for data a process holds for its whole life, one entry per block or
 * transaction (the one-process dev node's stores and caches): numbers in growable typed arrays,
 * bytes appended to shared buffers, and byte-keyed maps whose keys live in those buffers rather
 * than as one string or `Uint8Array` object each. A JS array of numbers costs 8 bytes an element
 * and a `Uint8Array` ~100 bytes of object before its bytes; these cost 4 (or 8) bytes a number and
 * the bytes themselves plus 4 bytes of offset.
 */

/** A growable column of numbers in a typed array (`Int32Array` by default; `Float64Array` for values past 2^31). */
export class IntColumn {
  /** A column holding a copy of `values` (of the kind of their array): the inverse of {@link values}. */
  static from(values: Int32Array | Float64Array): IntColumn {
    const column = new IntColumn(values instanceof Float64Array ? "float64" : "int32", 0);
    column.data = values.slice();
    column.count = values.length;
    return column;
  }

  private data: Int32Array | Float64Array;
  private count = 0;

  constructor(
    private readonly kind: "int32" | "float64" = "int32",
    capacity = 64,
  ) {
    this.data = kind === "int32" ? new Int32Array(capacity) : new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Cuts the column to `length` entries (never grows it). */
  set length(length: number) {
    if (length < this.count) this.count = Math.max(0, length);
  }

  /** Appends `value`; returns its index. */
  push(value: number): number {
    if (this.count === this.data.length) this.grow(this.count + 1);
    this.data[this.count] = value;
    return this.count++;
  }

  /** The value at `index` (undefined past the end). */
  get(index: number): number | undefined {
    return index >= 0 && index < this.count ? this.data[index] : undefined;
  }

  /** The value at `index`, which the caller knows is in range. */
  at(index: number): number {
    return this.data[index]!;
  }

  set(index: number, value: number): void {
    if (index < 0 || index >= this.count) throw new RangeError(`IntColumn index ${index} out of range 0…${this.count - 1}`);
    this.data[index] = value;
  }

  /** A copy of the values in a typed array of the column's kind (structured-cloneable as one buffer). */
  values(): Int32Array | Float64Array {
    return this.data.slice(0, this.count);
  }

  /** A copy of the values as a plain array. */
  toArray(): number[] {
    return Array.from(this.data.subarray(0, this.count));
  }

  clear(): void {
    this.count = 0;
  }

  private grow(need: number): void {
    const capacity = Math.max(need, this.data.length * 2, 16);
    const next = this.kind === "int32" ? new Int32Array(capacity) : new Float64Array(capacity);
    next.set(this.data.subarray(0, this.count));
    this.data = next;
  }
}

/** A `ByteArena`'s content as structured-cloneable data: its buffers and where each entry lies. */
export interface ByteArenaDump {
  chunks: Uint8Array[];
  chunkOf: Int32Array;
  startOf: Int32Array;
  endOf: Int32Array;
}

/**
 * Append-only byte storage: each entry is a run of bytes in one of a few large buffers, found by
 * its index. `get` returns a view (copy before handing it to code that may keep or change it).
 * Bytes once written never change (a truncate leaves the cut buffer's tail unused), so a dump
 * shares the buffers instead of copying them.
 */
export class ByteArena {
  /** An arena holding `dump`'s entries (sharing its buffers, which it never writes to). */
  static fromDump(dump: ByteArenaDump, chunkBytes?: number): ByteArena {
    const arena = new ByteArena(chunkBytes);
    arena.chunks.push(...dump.chunks);
    // The last buffer is exactly as long as its bytes: the next push starts a new one.
    arena.used = dump.chunks.at(-1)?.length ?? 0;
    arena.chunkOf = IntColumn.from(dump.chunkOf);
    arena.startOf = IntColumn.from(dump.startOf);
    arena.endOf = IntColumn.from(dump.endOf);
    return arena;
  }

  private readonly chunks: Uint8Array[] = [];
  private used = 0;
  private chunkOf = new IntColumn();
  private startOf = new IntColumn();
  private endOf = new IntColumn();

  /** `chunkBytes`: bytes per buffer (an entry larger than that gets a buffer of its own size). */
  constructor(private readonly chunkBytes = 1 << 16) {}

  /**
   * The content as plain data: the full buffers shared (never written again), the one being
   * filled copied up to its end (a view would carry its whole buffer when cloned), the positions copied.
   */
  dump(): ByteArenaDump {
    const last = this.chunks.length - 1;
    return {
      chunks: this.chunks.map((chunk, i) => (i === last ? chunk.slice(0, this.used) : chunk)),
      chunkOf: this.chunkOf.values() as Int32Array,
      startOf: this.startOf.values() as Int32Array,
      endOf: this.endOf.values() as Int32Array,
    };
  }

  /** Entries stored. */
  get length(): number {
    return this.chunkOf.length;
  }

  /** Appends a copy of `bytes`; returns its index. */
  push(bytes: Uint8Array): number {
    let chunk = this.chunks[this.chunks.length - 1];
    if (chunk === undefined || this.used + bytes.length > chunk.length) {
      chunk = new Uint8Array(Math.max(this.chunkBytes, bytes.length));
      this.chunks.push(chunk);
      this.used = 0;
    }
    chunk.set(bytes, this.used);
    this.chunkOf.push(this.chunks.length - 1);
    this.startOf.push(this.used);
    this.used += bytes.length;
    return this.endOf.push(this.used);
  }

  /** Entry `index`'s bytes, a view into the arena. */
  get(index: number): Uint8Array {
    if (index < 0 || index >= this.length) throw new RangeError(`ByteArena index ${index} out of range 0…${this.length - 1}`);
    return this.chunks[this.chunkOf.at(index)]!.subarray(this.startOf.at(index), this.endOf.at(index));
  }

  /** Whether entry `index` holds exactly `bytes`. */
  equals(index: number, bytes: Uint8Array): boolean {
    const start = this.startOf.at(index);
    const end = this.endOf.at(index);
    if (end - start !== bytes.length) return false;
    const chunk = this.chunks[this.chunkOf.at(index)]!;
    for (let i = 0; i < bytes.length; i++) if (chunk[start + i] !== bytes[i]) return false;
    return true;
  }

  /** Keeps the first `length` entries, drops the rest (and the buffers only they used). */
  truncate(length: number): void {
    if (length >= this.length) return;
    if (length <= 0) return this.clear();
    const last = length - 1;
    this.chunks.length = this.chunkOf.at(last) + 1;
    // The cut buffer is not written again (a dump may share it): the next push starts a new one.
    this.used = this.chunks[this.chunks.length - 1]!.length;
    this.chunkOf.length = length;
    this.startOf.length = length;
    this.endOf.length = length;
  }

  clear(): void {
    this.chunks.length = 0;
    this.used = 0;
    this.chunkOf.clear();
    this.startOf.clear();
    this.endOf.clear();
  }
}

/** FNV-1a over `bytes` (32 bits): the hash of `BytesTable`. */
function hashBytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** A `BytesTable`'s content as structured-cloneable data. */
export interface BytesTableDump {
  keys: ByteArenaDump;
  values: Int32Array;
  slots: Int32Array;
}

/**
 * A map from bytes (ids, addresses) to small non-negative integers (an index into columns), with
 * its keys in a `ByteArena` and an open-addressing table of entry numbers: ~(key bytes + 20) bytes
 * an entry instead of a string and a map entry each. Insert-only (keys are never removed, except
 * all at once); a key set again keeps its entry and takes the new value.
 */
export class BytesTable {
  private keys = new ByteArena();
  private values = new IntColumn();
  /** Open addressing, linear probing: entry number + 1, 0 = empty. */
  private slots = new Int32Array(64);

  /** A table holding `dump` (its hash slots taken as they are: nothing is hashed again). */
  static fromDump(dump: BytesTableDump): BytesTable {
    const table = new BytesTable();
    table.keys = ByteArena.fromDump(dump.keys);
    table.values = IntColumn.from(dump.values);
    table.slots = dump.slots.slice();
    return table;
  }

  /** The content as plain data (the keys' buffers shared, see `ByteArena.dump`). */
  dump(): BytesTableDump {
    return { keys: this.keys.dump(), values: this.values.values() as Int32Array, slots: this.slots.slice() };
  }

  /** Keys stored. */
  get size(): number {
    return this.keys.length;
  }

  get(key: Uint8Array): number | undefined {
    const slot = this.find(key);
    const entry = this.slots[slot]!;
    return entry === 0 ? undefined : this.values.at(entry - 1);
  }

  has(key: Uint8Array): boolean {
    return this.slots[this.find(key)] !== 0;
  }

  set(key: Uint8Array, value: number): void {
    const slot = this.find(key);
    const entry = this.slots[slot]!;
    if (entry !== 0) {
      this.values.set(entry - 1, value);
      return;
    }
    this.keys.push(key);
    this.slots[slot] = this.values.push(value) + 1;
    if (this.keys.length * 2 > this.slots.length) this.rehash();
  }

  /** Key of entry `n` (insertion order), a view. */
  keyAt(n: number): Uint8Array {
    return this.keys.get(n);
  }

  /** Value of entry `n` (insertion order). */
  valueAt(n: number): number {
    return this.values.at(n);
  }

  clear(): void {
    this.keys.clear();
    this.values.clear();
    this.slots = new Int32Array(64);
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private find(key: Uint8Array): number {
    const mask = this.slots.length - 1;
    for (let slot = hashBytes(key) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0 || this.keys.equals(entry - 1, key)) return slot;
    }
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let n = 0; n < this.keys.length; n++) {
      let slot = hashBytes(this.keys.get(n)) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = n + 1;
    }
    this.slots = slots;
  }
}

/**
 * The most recent `max` byte ids (a bounded "seen" set, oldest out first), in a ring of fixed-size
 * slots with a `BytesTable`-like index: no string or object per id. Ids longer than `idBytes`
 * are refused (the caller's ids have a fixed size: transaction ids are 34 bytes). With
 * `valueBytes` > 0 each id also carries a value of at most that many bytes (a bounded cache).
 */
export class RecentBytes {
  private readonly ring: Uint8Array;
  private readonly lengths: Uint8Array;
  private readonly values: Uint8Array;
  private readonly valueLengths: Uint8Array;
  /** Open addressing: ring position + 1, 0 = empty, -1 = deleted. */
  private readonly slots: Int32Array;
  private next = 0;
  private count = 0;
  private tombstones = 0;

  constructor(
    readonly max: number,
    private readonly idBytes = 64,
    private readonly valueBytes = 0,
  ) {
    if (idBytes > 255 || valueBytes > 255) throw new RangeError("RecentBytes ids and values are at most 255 bytes");
    this.ring = new Uint8Array(max * idBytes);
    this.lengths = new Uint8Array(max);
    this.values = new Uint8Array(max * valueBytes);
    this.valueLengths = new Uint8Array(valueBytes > 0 ? max : 0);
    let size = 16;
    while (size < max * 2) size *= 2;
    this.slots = new Int32Array(size);
  }

  get size(): number {
    return this.count;
  }

  has(id: Uint8Array): boolean {
    return this.lookup(id) >= 0;
  }

  /** The value stored with `id` (a copy), undefined when `id` is not there. */
  get(id: Uint8Array): Uint8Array | undefined {
    const slot = this.lookup(id);
    if (slot < 0) return undefined;
    const position = this.slots[slot]! - 1;
    const start = position * this.valueBytes;
    return this.values.slice(start, start + this.valueLengths[position]!);
  }

  /** Adds `id` with `value` (nothing when `id` is there already), dropping the oldest when full. */
  add(id: Uint8Array, value?: Uint8Array): void {
    if (id.length > this.idBytes) throw new RangeError(`RecentBytes: id of ${id.length} bytes, at most ${this.idBytes}`);
    if (value !== undefined && value.length > this.valueBytes) throw new RangeError(`RecentBytes: value of ${value.length} bytes, at most ${this.valueBytes}`);
    if (this.lookup(id) >= 0) return;
    const position = this.next;
    if (this.valueBytes > 0) {
      this.values.set(value ?? new Uint8Array(), position * this.valueBytes);
      this.valueLengths[position] = value?.length ?? 0;
    }
    if (this.count === this.max) this.remove(position);
    else this.count++;
    this.ring.set(id, position * this.idBytes);
    this.lengths[position] = id.length;
    const mask = this.slots.length - 1;
    let slot = hashBytes(id) & mask;
    while (this.slots[slot]! > 0) slot = (slot + 1) & mask;
    if (this.slots[slot] === -1) this.tombstones--;
    this.slots[slot] = position + 1;
    this.next = (position + 1) % this.max;
    // Tombstones never turn back into empty slots by themselves: rebuild before they fill the table.
    if ((this.count + this.tombstones) * 4 > this.slots.length * 3) this.reindex();
  }

  clear(): void {
    this.slots.fill(0);
    this.next = 0;
    this.count = 0;
    this.tombstones = 0;
  }

  /** Rebuilds the index from the ring (drops the tombstones). */
  private reindex(): void {
    this.slots.fill(0);
    this.tombstones = 0;
    const mask = this.slots.length - 1;
    for (let k = 0; k < this.count; k++) {
      const position = (this.next - 1 - k + this.max) % this.max;
      let slot = hashBytes(this.idAt(position)) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = position + 1;
    }
  }

  private idAt(position: number): Uint8Array {
    const start = position * this.idBytes;
    return this.ring.subarray(start, start + this.lengths[position]!);
  }

  private equalsAt(position: number, id: Uint8Array): boolean {
    if (this.lengths[position] !== id.length) return false;
    const start = position * this.idBytes;
    for (let i = 0; i < id.length; i++) if (this.ring[start + i] !== id[i]) return false;
    return true;
  }

  /** The slot of `id`, or -1. */
  private lookup(id: Uint8Array): number {
    const mask = this.slots.length - 1;
    for (let slot = hashBytes(id) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      if (entry > 0 && this.equalsAt(entry - 1, id)) return slot;
    }
  }

  /** Removes the id at ring `position` from the index (a tombstone keeps probe chains intact). */
  private remove(position: number): void {
    const slot = this.lookup(this.idAt(position));
    if (slot >= 0) {
      this.slots[slot] = -1;
      this.tombstones++;
    }
  }
}
