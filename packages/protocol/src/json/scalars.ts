/**
 * Reading numbers and booleans from Koinos JSON: 64-bit integers as decimal strings (numbers
 * accepted while exact), 32-bit integers as numbers (numeric strings accepted), floats as
 * numbers or "NaN"/"Infinity"/"-Infinity". Every reader throws `FieldError` with the reason.
 */
import { FieldError, describeValue, preview } from "./errors.ts";

const DECIMAL = /^-?[0-9]+$/;
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const F32_MAX = 3.4028234663852886e38;

/** A 64-bit integer; `label` is the proto type ("uint64", "sfixed64", ...). */
export function readInt64(v: unknown, unsigned: boolean, label: string): bigint {
  let n: bigint;
  if (typeof v === "string") {
    if (!DECIMAL.test(v)) throw new FieldError(`invalid ${label} ${preview(v)}: not a decimal integer`);
    n = BigInt(v);
  } else if (typeof v === "number") {
    if (!Number.isInteger(v)) throw new FieldError(`invalid ${label} ${v}: not an integer`);
    if (!Number.isSafeInteger(v)) throw new FieldError(`invalid ${label} ${v}: beyond 2^53, send it as a decimal string`);
    n = BigInt(v);
  } else if (typeof v === "bigint") {
    n = v;
  } else {
    throw new FieldError(`expected ${label} as a decimal string, got ${describeValue(v)}`);
  }
  if (unsigned) {
    if (n < 0n) throw new FieldError(`invalid ${label} ${String(v)}: negative`);
    if (n > U64_MAX) throw new FieldError(`invalid ${label} ${String(v)}: out of range`);
  } else if (n < I64_MIN || n > I64_MAX) {
    throw new FieldError(`invalid ${label} ${String(v)}: out of range`);
  }
  return n;
}

/** A 32-bit integer from a number or a numeric string. */
export function readInt32(v: unknown, unsigned: boolean, label: string): number {
  let n: number;
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw new FieldError(`invalid ${label} ${v}: not an integer`);
    n = v;
  } else if (typeof v === "string") {
    if (!DECIMAL.test(v)) throw new FieldError(`invalid ${label} ${preview(v)}: not a decimal integer`);
    n = Number(v);
  } else {
    throw new FieldError(`expected ${label} as a number, got ${describeValue(v)}`);
  }
  if (unsigned ? n < 0 || n > 0xffffffff : n < -0x80000000 || n > 0x7fffffff) {
    throw new FieldError(`invalid ${label} ${String(v)}: ${unsigned && n < 0 ? "negative" : "out of range"}`);
  }
  return n;
}

/** A float or double from a number, a numeric string, or "NaN" / "Infinity" / "-Infinity". */
export function readFloat(v: unknown, float32: boolean, label: string): number {
  let n: number;
  if (typeof v === "number") n = v;
  else if (v === "NaN") return NaN;
  else if (v === "Infinity") return Infinity;
  else if (v === "-Infinity") return -Infinity;
  else if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) n = Number(v);
  else throw new FieldError(`expected ${label} as a number, got ${describeValue(v)}`);
  if (!Number.isFinite(n) || (float32 && Math.abs(n) > F32_MAX)) throw new FieldError(`invalid ${label} ${String(v)}: out of range`);
  return n;
}

/** A float or double as JSON: a number, or a string for the non-finite values. */
export function writeFloat(n: number): number | string {
  if (Number.isFinite(n)) return n;
  return Number.isNaN(n) ? "NaN" : n > 0 ? "Infinity" : "-Infinity";
}

/** A boolean (JSON `true` / `false` only). */
export function readBool(v: unknown): boolean {
  if (typeof v !== "boolean") throw new FieldError(`expected bool, got ${describeValue(v)}`);
  return v;
}

/** A string. */
export function readString(v: unknown): string {
  if (typeof v !== "string") throw new FieldError(`expected string, got ${describeValue(v)}`);
  return v;
}
