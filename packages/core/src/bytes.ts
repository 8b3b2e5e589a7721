/** Byte helpers shared by every package: hex, base58, base64url, comparison, concatenation. */
import { base58, base64url, base64urlnopad, hex } from "@scure/base";

export function toHex(b: Uint8Array): string {
  return hex.encode(b);
}

/** Parses hex with or without a `0x` prefix. Throws on odd length or bad digits. */
export function fromHex(s: string): Uint8Array {
  const h = s.startsWith("0x") || s.startsWith("0X") ? s.slice(2) : s;
  return hex.decode(h.toLowerCase());
}

/**
 * Base58 texts of short byte strings (addresses, contract ids), by hex. Base58 is quadratic JS
 * work and the same few addresses are encoded over and over (every JSON answer naming them);
 * a hit costs a native hex encode and a lookup, ~7× less than encoding a 25-byte address.
 */
const BASE58_CACHE_MAX_BYTES = 34;
const BASE58_CACHE_ENTRIES = 8192;
const base58Cache = new Map<string, string>();

export function toBase58(b: Uint8Array): string {
  if (b.length > BASE58_CACHE_MAX_BYTES) return base58.encode(b);
  const key = hex.encode(b);
  let text = base58Cache.get(key);
  if (text === undefined) {
    text = base58.encode(b);
    if (base58Cache.size >= BASE58_CACHE_ENTRIES) base58Cache.delete(base58Cache.keys().next().value!);
    base58Cache.set(key, text);
  }
  return text;
}

export function fromBase58(s: string): Uint8Array {
  return base58.decode(s);
}

/** URL-safe base64 with `=` padding (the Koinos JSON form). */
export function toBase64url(b: Uint8Array): string {
  return base64url.encode(b);
}

/** Accepts URL-safe base64 with or without padding; rejects `+` and `/`. */
export function fromBase64url(s: string): Uint8Array {
  if (s.length % 4 === 0) return base64url.decode(s);
  return base64urlnopad.decode(s);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic comparison, shorter first on a common prefix. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/**
 * A compact map key for bytes (ids, addresses): one UTF-16 unit per byte, half the size of hex and
 * cheaper to build. Not for display or storage — use `toHex` there.
 */
export function bytesKey(b: Uint8Array): string {
  if (b.length <= 4096) return String.fromCharCode.apply(null, b as unknown as number[]);
  let s = "";
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

/**
 * The property a service may set on a decoded message it hands out in-process (not enumerable,
 * never encoded, ignored by the JSON codec): a key naming the message's content (a hash of its
 * bytes), so that equal keys mean equal messages. Caches of derived forms (the gateway's JSON)
 * key on it; messages without one are simply not cached.
 */
export const CONTENT_KEY: unique symbol = Symbol.for("cairn.content_key") as never;
