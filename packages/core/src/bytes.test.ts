import { describe, expect, test } from "bun:test";
import { base58 } from "@scure/base";
import { fromBase58, toBase58 } from "./bytes.ts";

describe("toBase58", () => {
  test("cached texts equal a fresh encoding, leading zeros included, past the cache bound", () => {
    const inputs = [new Uint8Array(0), new Uint8Array([0, 0, 1]), new Uint8Array(25), new Uint8Array(60).fill(7)];
    for (let i = 0; i < 9000; i++) inputs.push(crypto.getRandomValues(new Uint8Array(1 + (i % 40))));
    for (let round = 0; round < 2; round++) {
      for (const b of inputs) {
        const text = toBase58(b);
        expect(text).toBe(base58.encode(b));
        expect(fromBase58(text)).toEqual(b);
      }
    }
  });

  test("a changed array is encoded by its new content", () => {
    const b = new Uint8Array(25).fill(1);
    const before = toBase58(b);
    b[3] = 9;
    expect(toBase58(b)).not.toBe(before);
    expect(toBase58(b)).toBe(base58.encode(b));
  });
});
