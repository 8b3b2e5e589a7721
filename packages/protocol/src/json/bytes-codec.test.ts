/** The bytes_encoding option → text form table, and each form both ways. */
import { describe, expect, test } from "bun:test";
import { options } from "@cairn/proto";
import { BytesForm, bytesFormOf, decodeBytes, encodeBytes } from "./bytes-codec.ts";
import { FieldError } from "./errors.ts";
import { readFloat } from "./scalars.ts";

const E = options.BytesEncoding;

describe("bytesFormOf", () => {
  test("maps every option value (Koinos btype) to its form", () => {
    expect(bytesFormOf(E.BYTES_ENCODING_UNSPECIFIED)).toBe(BytesForm.Base64);
    expect(bytesFormOf(E.BYTES_ENCODING_BASE64)).toBe(BytesForm.Base64);
    expect(bytesFormOf(E.BYTES_ENCODING_BASE58)).toBe(BytesForm.Base58);
    expect(bytesFormOf(E.BYTES_ENCODING_CONTRACT_ID)).toBe(BytesForm.Base58);
    expect(bytesFormOf(E.BYTES_ENCODING_ADDRESS)).toBe(BytesForm.Base58);
    expect(bytesFormOf(E.BYTES_ENCODING_HEX)).toBe(BytesForm.Hex);
    expect(bytesFormOf(E.BYTES_ENCODING_BLOCK_ID)).toBe(BytesForm.Hex);
    expect(bytesFormOf(E.BYTES_ENCODING_TRANSACTION_ID)).toBe(BytesForm.Hex);
  });
});

describe("encodeBytes / decodeBytes", () => {
  const cases: [BytesForm, Uint8Array, string][] = [
    [BytesForm.Base64, Uint8Array.of(0xfb, 0xef, 0xff), "--__"],
    [BytesForm.Base64, Uint8Array.of(0xfb), "-w=="],
    [BytesForm.Base64, new Uint8Array(), ""],
    [BytesForm.Base58, Uint8Array.of(0, 0, 1), "112"],
    [BytesForm.Base58, new Uint8Array(), ""],
    [BytesForm.Hex, Uint8Array.of(0xab, 0x00), "0xab00"],
    [BytesForm.Hex, new Uint8Array(), "0x"],
  ];
  for (const [form, bytes, text] of cases) {
    test(`form ${form}: ${JSON.stringify(text)}`, () => {
      expect(encodeBytes(form, bytes)).toBe(text);
      expect(decodeBytes(form, text)).toStrictEqual(bytes);
    });
  }

  test("base64url without padding is accepted", () => {
    expect(decodeBytes(BytesForm.Base64, "-w")).toStrictEqual(Uint8Array.of(0xfb));
  });

  test("errors are FieldErrors", () => {
    expect(() => decodeBytes(BytesForm.Base64, "+w==")).toThrow(FieldError);
    expect(() => decodeBytes(BytesForm.Base58, "O")).toThrow('invalid base58 "O"');
    expect(() => decodeBytes(BytesForm.Hex, "ab")).toThrow('invalid hex "ab": must start with "0x"');
  });
});

describe("float32 range", () => {
  test("a float beyond float32 is rejected, a double is not", () => {
    expect(() => readFloat(1e39, true, "float")).toThrow("invalid float 1e+39: out of range");
    expect(readFloat(1e39, false, "double")).toBe(1e39);
  });
});
