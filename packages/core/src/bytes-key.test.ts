import { describe, expect, test } from "bun:test";
import { bytesKey } from "./bytes.ts";

describe("bytesKey", () => {
  test("one code unit per byte: equal bytes give equal keys, different bytes different keys", () => {
    const a = new Uint8Array([0, 1, 0x7f, 0x80, 0xff]);
    expect(bytesKey(a)).toHaveLength(5);
    expect(bytesKey(a)).toBe(bytesKey(new Uint8Array(a)));
    expect(bytesKey(a.subarray(1))).toBe(bytesKey(new Uint8Array([1, 0x7f, 0x80, 0xff])));
    expect(bytesKey(new Uint8Array([0x80]))).not.toBe(bytesKey(new Uint8Array([0xc2, 0x80])));
    expect([...bytesKey(a)].map((c) => c.charCodeAt(0))).toEqual([...a]);
  });

  test("long inputs (chunked) and the empty one", () => {
    const long = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff);
    const key = bytesKey(long);
    expect(key).toHaveLength(10_000);
    expect(key.charCodeAt(9_999)).toBe(long[9_999]!);
    expect(bytesKey(new Uint8Array())).toBe("");
  });
});
