import { describe, expect, test } from "bun:test";
import { fromHex, toHex } from "@cairn/core";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { createHmacDrbg } from "@noble/curves/utils.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hashPoints, hashToCurve, verifyVrf } from "./vrf.ts";

/**
 * Vectors of koinos-crypto's `vrf_tests` (libsecp256k1-vrf underneath): the key is
 * sha256-regenerated from c9afa9…6721, the message "sample". `PROVED` is the proof its prover
 * makes today; `VERIFIED` an older proof of the same Gamma that it still verifies, with `BETA`.
 */
const SECRET = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
const PUBLIC_KEY = "032c8c31fc9f990c6b55e3865a184a4ce50e09481f2eaeb3e60ec1cea13a6ae645";
const PROVED =
  "031f4dbca087a1972d04a07a779b7df1caa99e0f5db2aa21f3aecc4f9e10e85d08748c9fbe6b95d17359707bfb8e8ab0c93ba0c515333adcb8b64f372c535e115ccf66ebf5abe6fadb01b5efb37c0a0ec9";
const VERIFIED =
  "031f4dbca087a1972d04a07a779b7df1caa99e0f5db2aa21f3aecc4f9e10e85d0814faa89697b482daa377fb6b4a8b0191a65d34a6d90a8a2461e5db9205d4cf0bb4b2c31b5ef6997a585a9f1a72517b6f";
const BETA = "612065e309e937ef46c2ef04d5886b9c6efd2991ac484ec64a9b014366fc5d81";
const SAMPLE = new TextEncoder().encode("sample");

const N = secp256k1.Point.Fn.ORDER;
const big = (b: Uint8Array) => BigInt(`0x${toHex(b) || "0"}`);
const be32 = (n: bigint) => fromHex(n.toString(16).padStart(64, "0"));

/**
 * An independent prover written from the suite's description (test only): H by try-and-increment,
 * k by RFC 6979 (HMAC-SHA256, seeded with the key and sha256 of H) as libsecp256k1 derives nonces,
 * Gamma = xH, c = hash_points(H, Gamma, kG, kH), s = cx + k.
 */
function prove(secret: Uint8Array, alpha: Uint8Array): Uint8Array {
  const x = big(secret);
  const y = secp256k1.Point.BASE.multiply(x).toBytes(true);
  const h = hashToCurve(y, alpha);
  const drbg = createHmacDrbg<bigint>(32, 32, (key: Uint8Array, ...msgs: Uint8Array[]) => hmac(sha256, key, Uint8Array.from(msgs.flatMap((m) => [...m]))));
  const k = drbg(Uint8Array.from([...secret, ...sha256(h.toBytes(true))]), (b) => {
    const n = big(b);
    return n > 0n && n < N ? n : undefined;
  });
  const gamma = h.multiply(x);
  const c = hashPoints(h, gamma, secp256k1.Point.BASE.multiply(k), h.multiply(k));
  const s = (big(c) * x + k) % N;
  return Uint8Array.from([...gamma.toBytes(true), ...c, ...be32(s)]);
}

describe("verify_vrf_proof's ECVRF (secp256k1, SHA-256, try-and-increment, suite 0xfe)", () => {
  test("koinos-crypto's vectors verify to their output", () => {
    expect(toHex(secp256k1.Point.BASE.multiply(big(fromHex(SECRET))).toBytes(true))).toBe(PUBLIC_KEY);
    expect(toHex(verifyVrf(fromHex(PUBLIC_KEY), fromHex(PROVED), SAMPLE)!)).toBe(BETA);
    expect(toHex(verifyVrf(fromHex(PUBLIC_KEY), fromHex(VERIFIED), SAMPLE)!)).toBe(BETA);
  });

  test("an independent prover reproduces koinos-crypto's proof byte for byte", () => {
    expect(toHex(prove(fromHex(SECRET), SAMPLE))).toBe(PROVED);
  });

  test("every changed byte, another message, another key or another length is refused", () => {
    const proof = fromHex(PROVED);
    for (let i = 0; i < proof.length; i++) {
      const bad = proof.slice();
      bad[i] = bad[i] === 0 ? 1 : 0;
      expect(verifyVrf(fromHex(PUBLIC_KEY), bad, SAMPLE)).toBeUndefined();
    }
    expect(verifyVrf(fromHex(PUBLIC_KEY), proof, new TextEncoder().encode("sample2"))).toBeUndefined();
    const other = secp256k1.Point.BASE.multiply(7n).toBytes(true);
    expect(verifyVrf(other, proof, SAMPLE)).toBeUndefined();
    expect(verifyVrf(fromHex(PUBLIC_KEY), proof.subarray(0, 80), SAMPLE)).toBeUndefined();
    expect(verifyVrf(fromHex(PUBLIC_KEY), Uint8Array.from([...proof, 0]), SAMPLE)).toBeUndefined();
  });

  test("s = 0, s ≥ n and c = 0 are refused (the reference leaves them undefined)", () => {
    const proof = fromHex(PROVED);
    const withS = (s: Uint8Array) => Uint8Array.from([...proof.subarray(0, 49), ...s]);
    expect(verifyVrf(fromHex(PUBLIC_KEY), withS(new Uint8Array(32)), SAMPLE)).toBeUndefined();
    expect(verifyVrf(fromHex(PUBLIC_KEY), withS(be32(N)), SAMPLE)).toBeUndefined();
    expect(verifyVrf(fromHex(PUBLIC_KEY), withS(be32(N + 5n)), SAMPLE)).toBeUndefined();
    const noC = proof.slice();
    noC.fill(0, 33, 49);
    expect(verifyVrf(fromHex(PUBLIC_KEY), noC, SAMPLE)).toBeUndefined();
  });

  test("proofs of the independent prover verify for other keys and messages, with distinct outputs", () => {
    const outputs = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const secret = sha256(Uint8Array.of(i));
      const key = secp256k1.Point.BASE.multiply(big(secret)).toBytes(true);
      for (const m of ["", "message", "a longer message for the VRF"]) {
        const alpha = new TextEncoder().encode(m);
        const beta = verifyVrf(key, prove(secret, alpha), alpha);
        expect(beta).toBeDefined();
        outputs.add(toHex(beta!));
      }
    }
    expect(outputs.size).toBe(15);
  });
});
