/**
 * What KOIN reads on every transfer, read by hand: `transfer`'s arguments (from, to, value),
 * `get_account_rc`'s and `consume_account_rc`'s, which the chain itself makes for every
 * transaction it applies (twice per transfer: at submission and in its block), the answer of
 * `get_account_rc`, and the balance objects (`ManaBalanceObject`: the sender's and receiver's
 * balance and the payer's mana, most of them written moments before). The generated decoder's
 * `BinaryReader` takes a `DataView` of each freshly encoded array, which makes the engine
 * materialise an ArrayBuffer for it (~2% of the dev node's CPU per transfer for the arguments,
 * ~1% for the balances). Writing stays with the generated encoder, as fast as a hand-written one.
 *
 * Only the plain form is read here — the message's own tags (bytes fields, uint64 varints of at
 * most 9 bytes), nothing else, nothing malformed; anything else (another field, a memo, a longer
 * varint, a truncated field) goes to the generated decoder, so every input reads exactly as before
 * (bytes fields are views into `raw`, as the generated decoder's; a repeated field, the last one).
 */
import { protocol, token } from "@cairn/proto";

/** What a field of a plain message holds. */
type Kind = "bytes" | "u64";

/** The fields of `raw` by number (index) when every tag is one of `kinds`' (others: undefined), else undefined. */
function readPlain(raw: Uint8Array, kinds: readonly (Kind | undefined)[]): (Uint8Array | bigint | undefined)[] | undefined {
  const out: (Uint8Array | bigint | undefined)[] = [];
  let pos = 0;
  while (pos < raw.length) {
    const tag = raw[pos++]!;
    const field = tag >>> 3;
    const kind = tag < 0x80 ? kinds[field] : undefined;
    if (kind === "bytes" && (tag & 7) === 2) {
      const length = raw[pos++];
      // One-byte lengths only (addresses are 25 bytes): longer goes to the generated decoder.
      if (length === undefined || length >= 0x80 || pos + length > raw.length) return undefined;
      out[field] = raw.subarray(pos, pos + length);
      pos += length;
    } else if (kind === "u64" && (tag & 7) === 0) {
      // A varint of at most 9 bytes (63 bits): low 28 bits, then the rest.
      let lo = 0;
      let hi = 0;
      let i = 0;
      let b: number;
      do {
        if (pos >= raw.length || i === 9) return undefined;
        b = raw[pos++]!;
        if (i < 4) lo += (b & 0x7f) * 2 ** (7 * i);
        else hi += (b & 0x7f) * 2 ** (7 * (i - 4));
        i++;
      } while (b & 0x80);
      // Below 2^53 (hi < 2^25) the value is exact as a number: one BigInt, not three (balances,
      // mana and timestamps, read several times per transfer, are all past 2^28).
      out[field] = hi < 2 ** 25 ? BigInt(lo + hi * 2 ** 28) : BigInt(lo) + (BigInt(hi) << 28n);
    } else return undefined;
  }
  return out;
}

const TRANSFER: readonly (Kind | undefined)[] = [undefined, "bytes", "bytes", "u64"];
const ACCOUNT: readonly (Kind | undefined)[] = [undefined, "bytes"];
const ACCOUNT_VALUE: readonly (Kind | undefined)[] = [undefined, "bytes", "u64"];
const VALUE: readonly (Kind | undefined)[] = [undefined, "u64"];
const MANA: readonly (Kind | undefined)[] = [undefined, "u64", "u64", "u64"];

/** `token.TransferArguments.decode(raw)`. */
export const transferArguments = {
  decode(raw: Uint8Array): token.TransferArguments {
    const f = readPlain(raw, TRANSFER);
    if (!f) return token.TransferArguments.decode(raw);
    return { from: (f[1] as Uint8Array | undefined) ?? new Uint8Array(0), to: (f[2] as Uint8Array | undefined) ?? new Uint8Array(0), value: (f[3] as bigint | undefined) ?? 0n, memo: undefined };
  },
};

/** `protocol.GetAccountRcArguments.decode(raw)`. */
export const getAccountRcArguments = {
  decode(raw: Uint8Array): protocol.GetAccountRcArguments {
    const f = readPlain(raw, ACCOUNT);
    if (!f) return protocol.GetAccountRcArguments.decode(raw);
    return { account: (f[1] as Uint8Array | undefined) ?? new Uint8Array(0) };
  },
};

/** `protocol.ConsumeAccountRcArguments.decode(raw)`. */
export const consumeAccountRcArguments = {
  decode(raw: Uint8Array): protocol.ConsumeAccountRcArguments {
    const f = readPlain(raw, ACCOUNT_VALUE);
    if (!f) return protocol.ConsumeAccountRcArguments.decode(raw);
    return { account: (f[1] as Uint8Array | undefined) ?? new Uint8Array(0), value: (f[2] as bigint | undefined) ?? 0n };
  },
};

/** `protocol.GetAccountRcResult.decode(raw)` (also `token.Uint64Result`'s shape). */
export const getAccountRcResult = {
  decode(raw: Uint8Array): protocol.GetAccountRcResult {
    const f = readPlain(raw, VALUE);
    if (!f) return protocol.GetAccountRcResult.decode(raw);
    return { value: (f[1] as bigint | undefined) ?? 0n };
  },
};

/** KOIN's balance object in `raw`, as `token.ManaBalanceObject.decode(raw)` reads it. */
export function decodeMana(raw: Uint8Array): token.ManaBalanceObject {
  const f = readPlain(raw, MANA);
  if (!f) return token.ManaBalanceObject.decode(raw);
  return { balance: (f[1] as bigint | undefined) ?? 0n, mana: (f[2] as bigint | undefined) ?? 0n, last_mana_update: (f[3] as bigint | undefined) ?? 0n };
}
