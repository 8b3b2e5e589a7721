/**
 * KOIN's balance object (`ManaBalanceObject`: balance = 1, mana = 2, last_mana_update = 3, all
 * uint64) read by hand. Every transfer reads its sender's and receiver's balance and its payer's
 * mana, most of them values written moments before; the generated decoder's `BinaryReader` takes
 * a `DataView` of each, which makes the engine materialise an ArrayBuffer for a freshly encoded
 * array: ~2x the time of this reader (~1% of the dev node's CPU per transfer). Writing stays
 * with the generated encoder, which is as fast as a hand-written one.
 *
 * Only the plain form is read here — tags 1…3 as varints of at most 9 bytes, nothing else, nothing
 * malformed; anything else goes to the generated decoder, so every input reads exactly as before.
 */
import { token } from "@cairn/proto";

type Mana = token.ManaBalanceObject;

/** The balance object in `raw`, as `token.ManaBalanceObject.decode(raw)` reads it. */
export function decodeMana(raw: Uint8Array): Mana {
  const out: Mana = { balance: 0n, mana: 0n, last_mana_update: 0n };
  let pos = 0;
  while (pos < raw.length) {
    const tag = raw[pos++]!;
    if (tag !== 8 && tag !== 16 && tag !== 24) return token.ManaBalanceObject.decode(raw);
    // A varint of at most 9 bytes (63 bits): low 28 bits, then the rest.
    let lo = 0;
    let hi = 0;
    let i = 0;
    let b: number;
    do {
      if (pos >= raw.length || i === 9) return token.ManaBalanceObject.decode(raw);
      b = raw[pos++]!;
      if (i < 4) lo += (b & 0x7f) * 2 ** (7 * i);
      else hi += (b & 0x7f) * 2 ** (7 * (i - 4));
      i++;
    } while (b & 0x80);
    const value = hi === 0 ? BigInt(lo) : BigInt(lo) + (BigInt(hi) << 28n);
    if (tag === 8) out.balance = value;
    else if (tag === 16) out.mana = value;
    else out.last_mana_update = value;
  }
  return out;
}
