/**
 * Transaction nonces: a serialized `value_type{uint64_value}` = 0x28 ‖ varint(n), and whose
 * nonce a transaction header uses.
 */
import { CairnError, ErrorStatus, bytesEqual } from "@cairn/core";
import { protocol } from "@cairn/proto";

/** Nonce bytes of `n` (0 → 28 00). */
export function encodeNonce(n: bigint): Uint8Array {
  return protocol.ValueType.encode(protocol.ValueType.fromPartial({ uint64_value: n })).finish();
}

/**
 * The value of the usual nonce form — tag 0x28, then a varint of at most 7 bytes (below 2^49,
 * exact in a double) that ends the bytes — read directly; undefined for any other form, which
 * takes the full decode. A transaction's nonce is read several times per transaction; for these
 * bytes this gives what the full decode gives.
 */
function plainNonce(bytes: Uint8Array): bigint | undefined {
  const n = bytes.length;
  if (n < 2 || n > 8 || bytes[0] !== 0x28) return undefined;
  let v = 0;
  let scale = 1;
  for (let i = 1; i < n; i++) {
    const b = bytes[i]!;
    const more = (b & 0x80) !== 0;
    if (more === (i === n - 1)) return undefined;
    v += (b & 0x7f) * scale;
    scale *= 128;
  }
  return BigInt(v);
}

/** The uint64 in nonce bytes; empty bytes mean 0. Throws when the bytes are not a uint64 value. */
export function decodeNonce(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const plain = plainNonce(bytes);
  if (plain !== undefined) return plain;
  let v: ReturnType<typeof protocol.ValueType.decode>;
  try {
    v = protocol.ValueType.decode(bytes);
  } catch {
    throw new CairnError("protocol.invalid_nonce", "nonce is not a serialized value_type", { status: ErrorStatus.InvalidArgument, chainCode: -201 });
  }
  if (v.uint64_value === undefined) throw new CairnError("protocol.invalid_nonce", "nonce value_type does not hold a uint64_value", { status: ErrorStatus.InvalidArgument, chainCode: -201 });
  return v.uint64_value;
}

/**
 * Whose nonce a header uses (protocol §4.6): the payee when set and different from the payer,
 * else the payer. The chain checks and bumps this account's nonce; the mempool orders by it.
 */
export function nonceAccount(header: protocol.TransactionHeader): Uint8Array {
  return header.payee.length > 0 && !bytesEqual(header.payee, header.payer) ? header.payee : header.payer;
}
