import { describe, expect, test } from "bun:test";
import { addressFromPrivateKey, buildTransaction, privateKeyFromSeed } from "@cairn/protocol";
import { SignatureCache } from "./signatures.ts";

const tx = (seed: string, nonce: bigint, ...extraKeys: Uint8Array[]) =>
  buildTransaction({ chainId: new Uint8Array(34).fill(7), nonce, rcLimit: 1n, operations: [] }, privateKeyFromSeed(seed), ...extraKeys);

describe("SignatureCache", () => {
  test("recovers each (digest, signature) once, returns the signers in order, copies", () => {
    const cache = new SignatureCache(10);
    const second = privateKeyFromSeed("b");
    const t = tx("a", 1n, second);
    const first = cache.transactionSigners(t);
    expect(first.map((a) => [...a])).toEqual([[...addressFromPrivateKey(privateKeyFromSeed("a"))], [...addressFromPrivateKey(second)]]);
    expect(cache.recoveries).toBe(2);
    first[0]![0] = 0; // a caller changing what it got does not change the cache
    const again = cache.transactionSigners(t);
    expect(cache.recoveries).toBe(2);
    expect([...again[0]!]).toEqual([...addressFromPrivateKey(privateKeyFromSeed("a"))]);
  });

  test("bounded: the oldest pair is recovered again once pushed out", () => {
    const cache = new SignatureCache(2);
    const [t1, t2, t3] = [tx("a", 1n), tx("a", 2n), tx("a", 3n)];
    for (const t of [t1, t2, t3]) cache.transactionSigners(t);
    expect(cache.recoveries).toBe(3);
    cache.transactionSigners(t3);
    cache.transactionSigners(t2);
    expect(cache.recoveries).toBe(3);
    cache.transactionSigners(t1);
    expect(cache.recoveries).toBe(4);
  });
});
