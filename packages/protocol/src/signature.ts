/**
 * secp256k1 signatures in Koinos's 65-byte compact recoverable form: byte 0 = recovery id + 31,
 * then r and s (big-endian). The signed message is the raw 32-byte sha256 digest (the id without
 * its multihash prefix). Recovery sits on the hot path of every transaction, so the default
 * backend is the `secp256k1` N-API binding (libsecp256k1, ~8× @noble/curves, architecture §9);
 * @noble/curves is the fallback when the binding cannot load. The choice is made on first use
 * (`CAIRN_SECP256K1=noble` forces the fallback), or explicitly with `useSecp256k1Backend`.
 */
import { createRequire } from "node:module";
import { secp256k1 as noble } from "@noble/curves/secp256k1.js";
import { CairnError, ErrorStatus } from "@cairn/core";
import { addressFromPublicKey } from "./keys.ts";

/** One implementation of signing and recovery over raw 32-byte digests. */
export interface Secp256k1Backend {
  readonly name: "native" | "noble";
  /** Deterministic (RFC 6979), low-S signature: 64 bytes r ‖ s and the recovery id (0..3). */
  sign(digest: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
  /** Compressed public key from a 64-byte r ‖ s signature and its recovery id; throws if none. */
  recover(digest: Uint8Array, signature64: Uint8Array, recid: number): Uint8Array;
}

/** @noble/curves (pure JS, audited). */
export const nobleBackend: Secp256k1Backend = {
  name: "noble",
  sign(digest, privateKey) {
    // noble's "recovered" format is the recovery byte first, then r ‖ s.
    const rec = noble.sign(digest, privateKey, { prehash: false, format: "recovered", lowS: true });
    return { signature: rec.slice(1), recid: rec[0]! };
  },
  recover(digest, signature64, recid) {
    const rec = new Uint8Array(65);
    rec[0] = recid;
    rec.set(signature64, 1);
    return noble.recoverPublicKey(rec, digest, { prehash: false });
  },
};

interface NativeSecp {
  ecdsaSign(msg32: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
  ecdsaRecover(sig64: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
}

/** The libsecp256k1 N-API binding, or undefined when it cannot load on this machine. */
export function loadNativeBackend(): Secp256k1Backend | undefined {
  let lib: NativeSecp;
  try {
    // `secp256k1/bindings` is the native build only (the package's index silently falls back
    // to a slow JS implementation, which we never want on the hot path).
    lib = createRequire(import.meta.url)("secp256k1/bindings") as NativeSecp;
  } catch {
    return undefined;
  }
  return {
    name: "native",
    sign: (digest, privateKey) => lib.ecdsaSign(digest, privateKey),
    recover: (digest, signature64, recid) => lib.ecdsaRecover(signature64, recid, digest, true),
  };
}

let chosen: Secp256k1Backend | undefined;

/**
 * The backend signing and recovery use by default: the one given to `useSecp256k1Backend`, else —
 * decided once, on the first call — the native binding when it loads and `CAIRN_SECP256K1` is not
 * `noble`, else @noble/curves.
 */
export function secp256k1Backend(): Secp256k1Backend {
  chosen ??= (process.env.CAIRN_SECP256K1 !== "noble" && loadNativeBackend()) || nobleBackend;
  return chosen;
}

/** Makes `backend` the default of every later signing and recovery call in this process. */
export function useSecp256k1Backend(backend: Secp256k1Backend): void {
  chosen = backend;
}

const invalid = (why: string) => new CairnError("protocol.invalid_signature", why, { status: ErrorStatus.InvalidArgument, chainCode: -202 });

/** Signs a 32-byte digest: 65 bytes, recovery id + 31 first. */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array, backend = secp256k1Backend()): Uint8Array {
  const { signature, recid } = backend.sign(digest, privateKey);
  const out = new Uint8Array(65);
  out[0] = recid + 31;
  out.set(signature, 1);
  return out;
}

/** Recovers the compressed public key that made `signature` over `digest`; throws if invalid. */
export function recoverPublicKey(digest: Uint8Array, signature: Uint8Array, backend = secp256k1Backend()): Uint8Array {
  if (signature.length !== 65) throw invalid(`signature must be 65 bytes, got ${signature.length}`);
  const first = signature[0]!;
  if (first < 31 || first > 34) throw invalid(`signature recovery byte must be 31..34, got ${first}`);
  try {
    return backend.recover(digest, signature.subarray(1), (first - 31) & 3);
  } catch {
    throw invalid("signature does not recover to a public key");
  }
}

/** Address bytes of the key that signed `digest`. */
export function recoverAddress(digest: Uint8Array, signature: Uint8Array, backend = secp256k1Backend()): Uint8Array {
  return addressFromPublicKey(recoverPublicKey(digest, signature, backend));
}
