/**
 * The verifiable random function of Koinos's `verify_vrf_proof` (docs/koinos-vm.md §4.1, id 505):
 * ECVRF on secp256k1 with SHA-256 and try-and-increment hashing to the curve, suite byte 0xFE —
 * the suite of the libsecp256k1-vrf module koinos-crypto uses (draft-irtf-cfrg-vrf-05 style, 81-byte
 * proofs: 33-byte compressed Gamma, 16-byte c, 32-byte s). Curve arithmetic is @noble/curves'.
 *
 * Where the reference library leaves a result undefined (s = 0 or s ≥ n, c = 0: its scalar
 * multiplication refuses them and the verifier reads an unset point), the proof is refused here.
 * A point at infinity inside the challenge hash is written as 33 zero bytes, as the reference's
 * serializer leaves it.
 */
import { bytesEqual, concatBytes } from "@cairn/core";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";

type Point = InstanceType<typeof secp256k1.Point>;

const SUITE = 0xfe;
const N = secp256k1.Point.Fn.ORDER;
export const VRF_PROOF_LENGTH = 81;

function bigFrom(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** A 33-byte compressed point, or undefined when the bytes are not one. */
export function parseCompressed(bytes: Uint8Array): Point | undefined {
  if (bytes.length !== 33 || (bytes[0] !== 2 && bytes[0] !== 3)) return undefined;
  try {
    const p = secp256k1.Point.fromBytes(bytes);
    return p.is0() ? undefined : p;
  } catch {
    return undefined;
  }
}

function pointBytes(p: Point): Uint8Array {
  return p.is0() ? new Uint8Array(33) : p.toBytes(true);
}


/** H = the first valid x-coordinate sha256(suite ‖ 0x01 ‖ Y ‖ alpha ‖ ctr) with even y, ctr = 0, 1, … */
export function hashToCurve(publicKey: Uint8Array, alpha: Uint8Array): Point {
  const input = concatBytes(Uint8Array.of(SUITE, 0x01), publicKey, alpha, Uint8Array.of(0));
  const candidate = new Uint8Array(33);
  candidate[0] = 0x02;
  for (let ctr = 0; ; ctr = (ctr + 1) & 0xff) {
    input[input.length - 1] = ctr;
    candidate.set(sha256(input), 1);
    const p = parseCompressed(candidate);
    if (p) return p;
  }
}

/** The 16-byte challenge: sha256(suite ‖ 0x02 ‖ P1 ‖ P2 ‖ P3 ‖ P4), truncated. */
export function hashPoints(...points: Point[]): Uint8Array {
  return sha256(concatBytes(Uint8Array.of(SUITE, 0x02), ...points.map(pointBytes))).subarray(0, 16);
}

/** beta = sha256(suite ‖ 0x03 ‖ Gamma) (the cofactor of secp256k1 is 1). */
export function proofToHash(gamma: Point): Uint8Array {
  return sha256(concatBytes(Uint8Array.of(SUITE, 0x03), gamma.toBytes(true)));
}

/**
 * Verifies `proof` for `alpha` under the compressed public key; returns the 32-byte VRF output
 * (beta) when it holds, else undefined.
 */
export function verifyVrf(publicKey: Uint8Array, proof: Uint8Array, alpha: Uint8Array): Uint8Array | undefined {
  if (proof.length !== VRF_PROOF_LENGTH) return undefined;
  const y = parseCompressed(publicKey);
  const gamma = parseCompressed(proof.subarray(0, 33));
  if (!y || !gamma) return undefined;
  const cBytes = proof.subarray(33, 49);
  const c = bigFrom(cBytes);
  const s = bigFrom(proof.subarray(49, 81));
  if (c === 0n || s === 0n || s >= N) return undefined;
  const h = hashToCurve(y.toBytes(true), alpha);
  const u = secp256k1.Point.BASE.multiply(s).subtract(y.multiplyUnsafe(c));
  const v = h.multiplyUnsafe(s).subtract(gamma.multiplyUnsafe(c));
  return bytesEqual(hashPoints(h, gamma, u, v), cBytes) ? proofToHash(gamma) : undefined;
}
