/**
 * Just enough protobuf for system call arguments and results: decode any message into its fields,
 * and write canonical encodings (ascending fields, proto3 defaults omitted, sub-messages written
 * when present even if empty) as the reference's C++ protobuf does (docs/koinos-vm.md §2.4).
 * Arguments are decoded leniently: what decodes is used, like the reference's ignored parse result.
 */

/** Field number → values in order (varints as bigint, length-delimited as bytes). */
export type Fields = Map<number, (number | bigint | Uint8Array)[]>;

export function readFields(buf: Uint8Array): Fields {
  const out: Fields = new Map();
  let pos = 0;
  /** Varints below 2^49 as numbers (the common case), longer ones as bigint. */
  const varint = (): number | bigint => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (pos >= buf.length) throw new Error("truncated");
      const b = buf[pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    let big = BigInt(result);
    let shift = 49n;
    for (;;) {
      if (pos >= buf.length) throw new Error("truncated");
      const b = buf[pos++]!;
      big |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return big;
      shift += 7n;
      if (shift > 63n) throw new Error("varint too long");
    }
  };
  try {
    while (pos < buf.length) {
      const tag = Number(varint());
      if (tag > 0xffffffff) throw new Error("bad tag");
      const field = tag >>> 3;
      let value: number | bigint | Uint8Array;
      switch (tag & 7) {
        case 0:
          value = varint();
          break;
        case 2: {
          const len = Number(varint());
          if (len < 0) throw new Error("bad length");
          if (pos + len > buf.length) throw new Error("truncated");
          value = buf.subarray(pos, pos + len);
          pos += len;
          break;
        }
        case 1:
          pos += 8;
          continue;
        case 5:
          pos += 4;
          continue;
        default:
          throw new Error("bad wire type");
      }
      const list = out.get(field);
      if (list) list.push(value);
      else out.set(field, [value]);
    }
  } catch {
    // Lenient: keep what decoded.
  }
  return out;
}

const EMPTY = new Uint8Array();

export const field = {
  bytes(f: Fields, n: number): Uint8Array {
    const v = f.get(n)?.at(-1);
    return v instanceof Uint8Array ? v : EMPTY;
  },
  has(f: Fields, n: number): boolean {
    return f.has(n);
  },
  u64(f: Fields, n: number): bigint {
    const v = f.get(n)?.at(-1);
    return typeof v === "bigint" ? BigInt.asUintN(64, v) : typeof v === "number" ? BigInt(v) : 0n;
  },
  u32(f: Fields, n: number): number {
    const v = f.get(n)?.at(-1);
    return typeof v === "number" ? v >>> 0 : Number(BigInt.asUintN(32, field.u64(f, n)));
  },
  i32(f: Fields, n: number): number {
    const v = f.get(n)?.at(-1);
    return typeof v === "number" ? v | 0 : Number(BigInt.asIntN(32, field.u64(f, n)));
  },
  bool(f: Fields, n: number): boolean {
    const v = f.get(n)?.at(-1);
    return typeof v === "number" ? v !== 0 : field.u64(f, n) !== 0n;
  },
  string(f: Fields, n: number): string {
    return new TextDecoder().decode(field.bytes(f, n));
  },
  all(f: Fields, n: number): Uint8Array[] {
    return (f.get(n) ?? []).filter((v): v is Uint8Array => v instanceof Uint8Array);
  },
  msg(f: Fields, n: number): Fields | undefined {
    const v = f.get(n)?.at(-1);
    return v instanceof Uint8Array ? readFields(v) : undefined;
  },
};

/** Canonical writer: call fields in ascending order. */
export class PbWriter {
  private readonly parts: number[] = [];

  /** Varints below 2^31 (tags, lengths, most values) with number arithmetic, larger ones as 64-bit. */
  private varint(v: number | bigint): void {
    if (typeof v === "number" && v >= 0 && v <= 0x7fffffff) {
      while (v > 0x7f) {
        this.parts.push((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      this.parts.push(v);
      return;
    }
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) b |= 0x80;
      this.parts.push(b);
    } while (x !== 0n);
  }

  /** A varint field (uint32/uint64/int32/bool/enum); skipped when zero. */
  uint(n: number, v: bigint | number | boolean): this {
    const x = typeof v === "boolean" ? (v ? 1 : 0) : v;
    if (x === 0 || x === 0n) return this;
    this.varint(n << 3);
    this.varint(x);
    return this;
  }

  /** A bytes/string field; skipped when empty. */
  bytes(n: number, v: Uint8Array | string): this {
    const b = typeof v === "string" ? new TextEncoder().encode(v) : v;
    if (b.length === 0) return this;
    return this.message(n, b);
  }

  /** A sub-message (or bytes written even when empty). */
  message(n: number, b: Uint8Array): this {
    this.varint((n << 3) | 2);
    this.varint(b.length);
    for (let i = 0; i < b.length; i++) this.parts.push(b[i]!);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export const pb = (): PbWriter => new PbWriter();
