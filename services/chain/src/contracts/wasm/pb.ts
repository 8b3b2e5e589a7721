/**
 * Just enough protobuf for system call arguments and results: decode any message into its fields,
 * and write canonical encodings (ascending fields, proto3 defaults omitted, sub-messages written
 * when present even if empty) as the reference's C++ protobuf does (docs/koinos-vm.md §2.4).
 * Arguments are decoded leniently: what decodes is used, like the reference's ignored parse result.
 */

type Value = number | bigint | Uint8Array;

/**
 * Field number → its value (a field seen more than once: its values in order, as an array).
 * Varints are numbers below 2^49, bigints above; length-delimited fields are views of the input.
 */
export type Fields = Map<number, Value | Value[]>;

/** Read position of `readFields` (module state: decoding never re-enters itself). */
let pos = 0;

/** A varint at `pos` of `buf`: below 2^49 as a number (the common case), longer as a bigint. */
function varint(buf: Uint8Array): number | bigint {
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
}

function add(out: Fields, field: number, value: Value): void {
  const prev = out.get(field);
  if (prev === undefined) out.set(field, value);
  else if (Array.isArray(prev)) prev.push(value);
  else out.set(field, [prev, value]);
}

export function readFields(buf: Uint8Array): Fields {
  const out: Fields = new Map();
  pos = 0;
  try {
    while (pos < buf.length) {
      const tag = Number(varint(buf));
      if (tag > 0xffffffff) throw new Error("bad tag");
      const field = tag >>> 3;
      switch (tag & 7) {
        case 0:
          add(out, field, varint(buf));
          break;
        case 2: {
          const len = Number(varint(buf));
          if (pos + len > buf.length) throw new Error("truncated");
          add(out, field, buf.subarray(pos, pos + len));
          pos += len;
          break;
        }
        case 1:
          pos += 8;
          break;
        case 5:
          pos += 4;
          break;
        default:
          throw new Error("bad wire type");
      }
    }
  } catch {
    // Lenient: keep what decoded.
  }
  return out;
}

const EMPTY = new Uint8Array();
const utf8 = new TextDecoder();

/** The last value of field `n` (proto3: the last one wins). */
function last(f: Fields, n: number): Value | undefined {
  const v = f.get(n);
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export const field = {
  bytes(f: Fields, n: number): Uint8Array {
    const v = last(f, n);
    return v instanceof Uint8Array ? v : EMPTY;
  },
  has(f: Fields, n: number): boolean {
    return f.has(n);
  },
  u64(f: Fields, n: number): bigint {
    const v = last(f, n);
    return typeof v === "bigint" ? BigInt.asUintN(64, v) : typeof v === "number" ? BigInt(v) : 0n;
  },
  u32(f: Fields, n: number): number {
    const v = last(f, n);
    return typeof v === "number" ? v >>> 0 : Number(BigInt.asUintN(32, field.u64(f, n)));
  },
  i32(f: Fields, n: number): number {
    const v = last(f, n);
    return typeof v === "number" ? v | 0 : Number(BigInt.asIntN(32, field.u64(f, n)));
  },
  bool(f: Fields, n: number): boolean {
    const v = last(f, n);
    return typeof v === "number" ? v !== 0 : field.u64(f, n) !== 0n;
  },
  string(f: Fields, n: number): string {
    return utf8.decode(field.bytes(f, n));
  },
  all(f: Fields, n: number): Uint8Array[] {
    const v = f.get(n);
    const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
    return list.filter((x): x is Uint8Array => x instanceof Uint8Array);
  },
  msg(f: Fields, n: number): Fields | undefined {
    const v = last(f, n);
    return v instanceof Uint8Array ? readFields(v) : undefined;
  },
};

/**
 * Canonical writer: call fields in ascending order. Varint bytes and byte chunks are collected and
 * copied once into a result of the exact size.
 */
export class PbWriter {
  private readonly items: (number | Uint8Array)[] = [];
  private length = 0;

  /** Varints below 2^31 (tags, lengths, most values) with number arithmetic, larger ones as 64-bit. */
  private varint(v: number | bigint): void {
    if (typeof v === "number" && v >= 0 && v <= 0x7fffffff) {
      while (v > 0x7f) {
        this.items.push((v & 0x7f) | 0x80);
        this.length++;
        v >>>= 7;
      }
      this.items.push(v);
      this.length++;
      return;
    }
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) b |= 0x80;
      this.items.push(b);
      this.length++;
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
    if (b.length > 0) {
      this.items.push(b);
      this.length += b.length;
    }
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const item of this.items) {
      if (typeof item === "number") out[at++] = item;
      else {
        out.set(item, at);
        at += item.length;
      }
    }
    return out;
  }
}

export const pb = (): PbWriter => new PbWriter();
