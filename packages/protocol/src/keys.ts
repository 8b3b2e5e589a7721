/**
 * Keys and addresses: public keys from private keys, Koinos addresses (= Bitcoin P2PKH of the
 * compressed key), address checks, WIF import/export, keys from seeds (sha256(seed), as koilib's
 * `Signer.fromSeed`).
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { CairnError, ErrorStatus, bytesEqual, concatBytes, fromBase58, toBase58, utf8 } from "@cairn/core";
import { ripemd160, sha256 } from "./hash.ts";

/** Compressed (33 bytes) or uncompressed (65 bytes) public key of a 32-byte private key. */
export function publicKeyFromPrivate(privateKey: Uint8Array, compressed = true): Uint8Array {
  return secp256k1.getPublicKey(privateKey, compressed);
}

/** 25-byte address: 0x00 ‖ ripemd160(sha256(pubkey)) ‖ first 4 bytes of sha256(sha256(those 21)). */
export function addressFromPublicKey(publicKey: Uint8Array): Uint8Array {
  const body = concatBytes(Uint8Array.of(0), ripemd160(sha256(publicKey)));
  const check = sha256(sha256(body)).subarray(0, 4);
  return concatBytes(body, check);
}

/** Address bytes of a private key (compressed public key, as the chain always uses). */
export function addressFromPrivateKey(privateKey: Uint8Array): Uint8Array {
  return addressFromPublicKey(publicKeyFromPrivate(privateKey, true));
}

/** True when `address` is 25 bytes, version 0, with a valid double-sha256 checksum. */
export function isValidAddress(address: Uint8Array): boolean {
  if (address.length !== 25 || address[0] !== 0) return false;
  const check = sha256(sha256(address.subarray(0, 21))).subarray(0, 4);
  return bytesEqual(check, address.subarray(21));
}

/** Address bytes from its base58 text; throws when the text is not a valid address. */
export function addressFromBase58(text: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase58(text);
  } catch {
    throw new CairnError("protocol.invalid_address", `${text} is an invalid address`, { status: ErrorStatus.InvalidArgument });
  }
  if (!isValidAddress(bytes)) throw new CairnError("protocol.invalid_address", `${text} is an invalid address`, { status: ErrorStatus.InvalidArgument });
  return bytes;
}

export function addressToBase58(address: Uint8Array): string {
  return toBase58(address);
}

/** Longest id `addressText` writes in base58; an address is 25 bytes. */
const MAX_TEXT_ID_BYTES = 64;

/**
 * An address or contract id for a message: base58 as Koinos writes it, or, for ids longer than
 * any address could be (client input), `0x` + the first 32 bytes in hex + the length. Never
 * throws (base58 of a long input is refused by the encoder and quadratic anyway).
 */
export function addressText(id: Uint8Array): string {
  if (id.length <= MAX_TEXT_ID_BYTES) return toBase58(id);
  return `0x${Buffer.from(id.subarray(0, 32)).toString("hex")}…(${id.length} bytes)`;
}

/** Private key = sha256(seed), as koilib `Signer.fromSeed`. */
export function privateKeyFromSeed(seed: string): Uint8Array {
  return sha256(utf8(seed));
}

/** WIF: base58check(0x80 ‖ key [‖ 0x01 when compressed]). */
export function privateKeyToWif(privateKey: Uint8Array, compressed = true): string {
  const body = compressed ? concatBytes(Uint8Array.of(0x80), privateKey, Uint8Array.of(1)) : concatBytes(Uint8Array.of(0x80), privateKey);
  return toBase58(concatBytes(body, sha256(sha256(body)).subarray(0, 4)));
}

/** Parses a WIF (compressed or not); throws on a bad checksum, version or length. */
export function privateKeyFromWif(wif: string): { privateKey: Uint8Array; compressed: boolean } {
  const bad = (why: string) => new CairnError("protocol.invalid_wif", `invalid WIF private key: ${why}`, { status: ErrorStatus.InvalidArgument });
  let raw: Uint8Array;
  try {
    raw = fromBase58(wif);
  } catch {
    throw bad("not base58");
  }
  if (raw.length !== 37 && raw.length !== 38) throw bad("wrong length");
  const body = raw.subarray(0, raw.length - 4);
  if (!bytesEqual(sha256(sha256(body)).subarray(0, 4), raw.subarray(raw.length - 4))) throw bad("bad checksum");
  if (body[0] !== 0x80) throw bad("wrong version byte");
  const compressed = body.length === 34;
  if (compressed && body[33] !== 1) throw bad("bad compression flag");
  return { privateKey: body.slice(1, 33), compressed };
}
