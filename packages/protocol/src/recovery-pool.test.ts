import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { RecoveryPool } from "./recovery-pool.ts";
import { privateKeyFromSeed } from "./keys.ts";
import { sha256 } from "./hash.ts";
import { recoverAddress, signDigest } from "./signature.ts";
import { utf8 } from "@cairn/core";

const signed = (i: number) => {
  const digest = sha256(utf8(`message ${i}`));
  return { digest, signature: signDigest(digest, privateKeyFromSeed(`key ${i % 7}`)) };
};

describe("RecoveryPool", () => {
  test("a batch recovered on the worker gives the same addresses as recovery in line, in order", async () => {
    const pool = new RecoveryPool();
    try {
      const items = Array.from({ length: 120 }, (_, i) => signed(i));
      // All asked in one turn: they travel as one batch.
      const got = await Promise.all(items.map(({ digest, signature }) => pool.recoverAddress(digest, signature)));
      expect(got.map((a) => (a ? toHex(a) : "none"))).toEqual(items.map(({ digest, signature }) => toHex(recoverAddress(digest, signature))));
      expect(pool.recovered).toBe(120);
      // And in separate turns.
      for (const { digest, signature } of items.slice(0, 3)) expect(toHex((await pool.recoverAddress(digest, signature))!)).toBe(toHex(recoverAddress(digest, signature)));
    } finally {
      pool.close();
    }
  });

  test("what does not recover, or has the wrong size, answers undefined (the caller reports why)", async () => {
    const pool = new RecoveryPool();
    try {
      const { digest, signature } = signed(1);
      const bad = signature.slice();
      bad[0] = 31;
      bad.fill(0, 1, 33); // r = 0: no point
      const [good, none, short] = await Promise.all([pool.recoverAddress(digest, signature), pool.recoverAddress(digest, bad), pool.recoverAddress(digest, signature.subarray(0, 64))]);
      expect(toHex(good!)).toBe(toHex(recoverAddress(digest, signature)));
      expect(none).toBeUndefined();
      expect(short).toBeUndefined();
      expect(() => recoverAddress(digest, bad)).toThrow();
    } finally {
      pool.close();
    }
  });

  test("a closed pool answers undefined, also to what was waiting", async () => {
    const pool = new RecoveryPool();
    const { digest, signature } = signed(2);
    const waiting = pool.recoverAddress(digest, signature);
    pool.close();
    expect(await waiting).toBeUndefined();
    expect(await pool.recoverAddress(digest, signature)).toBeUndefined();
  });
});
