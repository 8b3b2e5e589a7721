/**
 * Text forms of `bytes` fields, chosen by the `(cairn.options.v1.bytes_encoding)` field option
 * (Koinos `btype`): URL-safe base64 with padding, Bitcoin base58, or `0x` + lowercase hex.
 */
import { fromBase58, fromBase64url, fromHex, toBase58, toBase64url, toHex } from "@cairn/core";
import { options } from "@cairn/proto";
import { FieldError, describeValue, preview } from "./errors.ts";

/** The three text forms a bytes field can take. */
export const BytesForm = { Base64: 0, Base58: 1, Hex: 2 } as const;
/** One of `BytesForm`. */
export type BytesForm = (typeof BytesForm)[keyof typeof BytesForm];

const E = options.BytesEncoding;

/** The text form of a `bytes_encoding` option value (no option = base64). */
export function bytesFormOf(encoding: options.BytesEncoding): BytesForm {
  switch (encoding) {
    case E.BYTES_ENCODING_BASE58:
    case E.BYTES_ENCODING_CONTRACT_ID:
    case E.BYTES_ENCODING_ADDRESS:
      return BytesForm.Base58;
    case E.BYTES_ENCODING_HEX:
    case E.BYTES_ENCODING_BLOCK_ID:
    case E.BYTES_ENCODING_TRANSACTION_ID:
      return BytesForm.Hex;
    default:
      return BytesForm.Base64;
  }
}

/** Encodes bytes in the given form. */
export function encodeBytes(form: BytesForm, b: Uint8Array): string {
  switch (form) {
    case BytesForm.Base58:
      return toBase58(b);
    case BytesForm.Hex:
      return "0x" + toHex(b);
    default:
      return toBase64url(b);
  }
}

const FORM_NAME: Record<BytesForm, string> = { 0: "base64url", 1: "base58", 2: "0x-hex" };
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]*$/;
const HEX = /^0x(?:[0-9a-fA-F]{2})*$/;

/** Decodes a JSON value in the given form; throws `FieldError` naming the problem. */
export function decodeBytes(form: BytesForm, v: unknown): Uint8Array {
  if (typeof v !== "string") throw new FieldError(`expected ${FORM_NAME[form]} string, got ${describeValue(v)}`);
  switch (form) {
    case BytesForm.Base58:
      if (!BASE58.test(v)) throw new FieldError(`invalid base58 ${preview(v)}`);
      return fromBase58(v);
    case BytesForm.Hex:
      if (!v.startsWith("0x")) throw new FieldError(`invalid hex ${preview(v)}: must start with "0x"`);
      if (!HEX.test(v)) throw new FieldError(`invalid hex ${preview(v)}`);
      return fromHex(v);
    default:
      return decodeBase64url(v);
  }
}

/** URL-safe base64, padded or not; `+` and `/` are rejected (as Koinos's gateway does). */
function decodeBase64url(v: string): Uint8Array {
  if (!BASE64URL.test(v)) {
    const why = /[+/]/.test(v) ? " ('+' and '/' are not URL-safe base64; use '-' and '_')" : "";
    throw new FieldError(`invalid base64url ${preview(v)}${why}`);
  }
  const padded = v.endsWith("=");
  if ((padded && v.length % 4 !== 0) || (!padded && v.length % 4 === 1)) {
    throw new FieldError(`invalid base64url ${preview(v)}: bad length or padding`);
  }
  try {
    return fromBase64url(v);
  } catch {
    throw new FieldError(`invalid base64url ${preview(v)}`);
  }
}
