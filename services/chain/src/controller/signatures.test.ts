import { describe, expect, test } from "bun:test";
import { RecoveryPool, addressFromPrivateKey, buildTransaction, privateKeyFromSeed } from "@cairn/protocol";
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

  test("with a pool, prefetch recovers on the worker and transactionSigners then finds every signer cached", async () => {
    const pool = new RecoveryPool();
    try {
      const cache = new SignatureCache(100, pool);
      const second = privateKeyFromSeed("b");
      const txs = [tx("a", 1n, second), tx("c", 1n), tx("d", 7n)];
      await cache.prefetch(txs);
      expect(pool.recovered).toBe(4);
      expect(cache.recoveries).toBe(4);
      expect(cache.transactionSigners(txs[0]!).map((a) => [...a])).toEqual([[...addressFromPrivateKey(privateKeyFromSeed("a"))], [...addressFromPrivateKey(second)]]);
      expect([...cache.transactionSigners(txs[2]!)[0]!]).toEqual([...addressFromPrivateKey(privateKeyFromSeed("d"))]);
      expect(cache.recoveries).toBe(4); // nothing recovered in line
      await cache.prefetch(txs); // all cached: the worker is not asked again
      expect(pool.recovered).toBe(4);
    } finally {
      pool.close();
    }
  });

  test("prefetch skips the transactions `known` names; their signers are still recovered (in line) when asked for", async () => {
    const pool = new RecoveryPool();
    try {
      const cache = new SignatureCache(100, pool);
      const txs = [tx("a", 1n), tx("c", 1n)];
      await cache.prefetch(txs, (t) => t === txs[0]);
      expect(pool.recovered).toBe(1);
      expect([...cache.transactionSigners(txs[0]!)[0]!]).toEqual([...addressFromPrivateKey(privateKeyFromSeed("a"))]);
      expect(cache.recoveries).toBe(2);
    } finally {
      pool.close();
    }
  });

  test("a signature that does not recover is left to transactionSigners, which throws as without a pool", async () => {
    const pool = new RecoveryPool();
    try {
      const cache = new SignatureCache(100, pool);
      const bad = tx("a", 1n);
      bad.signatures[0] = new Uint8Array(65).fill(0);
      bad.signatures[0][0] = 31;
      await cache.prefetch([bad]);
      expect(cache.recoveries).toBe(0);
      expect(() => cache.transactionSigners(bad)).toThrow();
    } finally {
      pool.close();
    }
  });
});
