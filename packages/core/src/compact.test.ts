import { describe, expect, test } from "bun:test";
import { ByteArena, BytesTable, IntColumn, RecentBytes } from "./compact.ts";

const id = (n: number, length = 34) => {
  const b = new Uint8Array(length);
  new DataView(b.buffer).setUint32(length - 4, n);
  b[0] = 0x12;
  return b;
};

describe("IntColumn", () => {
  test("grows past its capacity, reads back, cuts", () => {
    const c = new IntColumn("int32", 2);
    for (let i = 0; i < 1000; i++) expect(c.push(i * 3 - 7)).toBe(i);
    expect(c.length).toBe(1000);
    expect(c.get(999)).toBe(999 * 3 - 7);
    expect(c.get(1000)).toBeUndefined();
    c.set(5, -1);
    expect(c.at(5)).toBe(-1);
    c.length = 10;
    expect(c.toArray()).toEqual([-7, -4, -1, 2, 5, -1, 11, 14, 17, 20]);
    expect(() => c.set(10, 1)).toThrow(RangeError);
  });

  test("float64 keeps values past 2^31", () => {
    const c = new IntColumn("float64");
    c.push(2 ** 40 + 1);
    expect(c.at(0)).toBe(2 ** 40 + 1);
  });
});

describe("ByteArena", () => {
  test("entries across chunks, one larger than a chunk, views of the stored bytes", () => {
    const a = new ByteArena(8);
    const entries = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6, 7, 8]), new Uint8Array(20).fill(9), new Uint8Array(), new Uint8Array([10])];
    entries.forEach((e, i) => expect(a.push(e)).toBe(i));
    entries.forEach((e, i) => expect([...a.get(i)]).toEqual([...e]));
    expect(a.equals(1, new Uint8Array([4, 5, 6, 7, 8]))).toBe(true);
    expect(a.equals(1, new Uint8Array([4, 5, 6, 7]))).toBe(false);
    expect(a.equals(0, new Uint8Array([1, 2, 4]))).toBe(false);
    // A copy is stored: changing the input later does not change the entry.
    entries[0]![0] = 99;
    expect(a.get(0)[0]).toBe(1);
    expect(() => a.get(5)).toThrow(RangeError);
    a.truncate(2);
    expect(a.length).toBe(2);
    expect(a.push(new Uint8Array([7, 7]))).toBe(2);
    expect([...a.get(1)]).toEqual([4, 5, 6, 7, 8]);
    expect([...a.get(2)]).toEqual([7, 7]);
    a.clear();
    expect(a.length).toBe(0);
  });

  test("a dump shares the full buffers, survives a structured clone, and later writes never reach it", () => {
    const a = new ByteArena(8);
    for (let i = 0; i < 6; i++) a.push(new Uint8Array([i, i, i]));
    const dump = a.dump();
    // Two full buffers shared, the one being filled copied up to its end.
    expect(dump.chunks.map((c) => c.length)).toEqual([8, 8, 6]);
    for (const copy of [ByteArena.fromDump(dump, 8), ByteArena.fromDump(structuredClone(dump), 8)]) {
      expect(copy.length).toBe(6);
      for (let i = 0; i < 6; i++) expect([...copy.get(i)]).toEqual([i, i, i]);
      expect(copy.push(new Uint8Array([9]))).toBe(6);
      expect([...copy.get(6)]).toEqual([9]);
    }
    // The original cut back and written again: the dump (and stores made from it) keep their bytes.
    a.truncate(1);
    a.push(new Uint8Array([7, 7, 7]));
    expect([...a.get(1)]).toEqual([7, 7, 7]);
    const again = ByteArena.fromDump(dump, 8);
    for (let i = 0; i < 6; i++) expect([...again.get(i)]).toEqual([i, i, i]);
    expect(ByteArena.fromDump(new ByteArena().dump()).length).toBe(0);
  });
});

describe("IntColumn values", () => {
  test("round trip through from, of either kind, as copies", () => {
    const c = new IntColumn("float64");
    c.push(2 ** 40);
    c.push(-1);
    const values = c.values();
    expect(values).toBeInstanceOf(Float64Array);
    const copy = IntColumn.from(values);
    expect(copy.toArray()).toEqual([2 ** 40, -1]);
    copy.set(0, 5);
    copy.push(6);
    expect([...values]).toEqual([2 ** 40, -1]);
    expect(c.toArray()).toEqual([2 ** 40, -1]);
    expect(IntColumn.from(new IntColumn().values()).length).toBe(0);
  });
});

describe("BytesTable", () => {
  test("a dump read back finds every key without hashing again, and grows alike", () => {
    const t = new BytesTable();
    for (let i = 0; i < 300; i++) t.set(id(i), i);
    const copy = BytesTable.fromDump(structuredClone(t.dump()));
    expect(copy.size).toBe(300);
    for (let i = 0; i < 300; i++) expect(copy.get(id(i))).toBe(i);
    expect(copy.get(id(300))).toBeUndefined();
    for (let i = 300; i < 1000; i++) copy.set(id(i), i);
    for (let i = 0; i < 1000; i++) expect(copy.get(id(i))).toBe(i);
    // The original is untouched by the copy's growth.
    expect(t.size).toBe(300);
    expect(t.get(id(500))).toBeUndefined();
  });

  test("maps many keys, overwrites, keeps insertion order", () => {
    const t = new BytesTable();
    for (let i = 0; i < 5000; i++) t.set(id(i), i * 2);
    expect(t.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(t.get(id(i))).toBe(i * 2);
    expect(t.get(id(5000))).toBeUndefined();
    expect(t.has(id(17))).toBe(true);
    expect(t.has(id(17, 33))).toBe(false);
    t.set(id(3), 42);
    expect(t.size).toBe(5000);
    expect(t.get(id(3))).toBe(42);
    expect([...t.keyAt(3)]).toEqual([...id(3)]);
    expect(t.valueAt(3)).toBe(42);
    t.clear();
    expect(t.size).toBe(0);
    expect(t.get(id(3))).toBeUndefined();
  });

  test("keys of different lengths, the empty key", () => {
    const t = new BytesTable();
    t.set(new Uint8Array(), 1);
    t.set(new Uint8Array([0]), 2);
    t.set(new Uint8Array([0, 0]), 3);
    expect([t.get(new Uint8Array()), t.get(new Uint8Array([0])), t.get(new Uint8Array([0, 0]))]).toEqual([1, 2, 3]);
  });
});

describe("RecentBytes", () => {
  test("keeps the newest max ids, drops the oldest first, no duplicates", () => {
    const r = new RecentBytes(100, 34);
    for (let i = 0; i < 100; i++) r.add(id(i));
    r.add(id(50)); // already there: nothing dropped
    expect(r.size).toBe(100);
    expect(r.has(id(0))).toBe(true);
    r.add(id(100));
    expect(r.has(id(0))).toBe(false);
    expect(r.has(id(1))).toBe(true);
    expect(r.has(id(100))).toBe(true);
    expect(r.size).toBe(100);
  });

  test("stays correct over many rounds of the ring (tombstones are reclaimed)", () => {
    const r = new RecentBytes(64, 34);
    for (let i = 0; i < 20_000; i++) {
      r.add(id(i));
      if (i % 997 === 0) {
        expect(r.has(id(i))).toBe(true);
        expect(r.has(id(i - 63))).toBe(i >= 63);
        expect(r.has(id(i - 64))).toBe(false);
      }
    }
    expect(r.has(id(123_456))).toBe(false);
    r.clear();
    expect(r.size).toBe(0);
    expect(r.has(id(19_999))).toBe(false);
  });

  test("refuses ids longer than its slots", () => {
    expect(() => new RecentBytes(4, 8).add(new Uint8Array(9))).toThrow(RangeError);
    expect(() => new RecentBytes(4, 8, 2).add(new Uint8Array(8), new Uint8Array(3))).toThrow(RangeError);
  });

  test("a value per id: a copy of it, gone with its id", () => {
    const r = new RecentBytes(3, 34, 25);
    for (let i = 0; i < 4; i++) r.add(id(i), new Uint8Array([i, i + 1, 0xff]));
    expect(r.get(id(0))).toBeUndefined();
    const v = r.get(id(2))!;
    expect([...v]).toEqual([2, 3, 0xff]);
    v[0] = 9;
    expect([...r.get(id(2))!]).toEqual([2, 3, 0xff]);
    r.add(id(4), new Uint8Array([7]));
    expect([...r.get(id(4))!]).toEqual([7]);
    expect(r.get(id(1))).toBeUndefined();
  });
});
