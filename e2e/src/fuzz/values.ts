/**
 * JSON values for fuzzing: well-formed values of the right shape (from the method's JSON schema),
 * and hostile ones — wrong types, huge and fractional numbers, bad encodings, deep nesting, giant
 * strings.
 */
import type { Random } from "./random.ts";

/** A JSON schema node as the protocol codec writes it (`toJsonSchema`). */
export interface Schema {
  type?: string;
  format?: string;
  enum?: string[];
  items?: Schema;
  properties?: Record<string, Schema>;
  $ref?: string;
  $defs?: Record<string, Schema>;
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function chars(r: Random, alphabet: string, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[r.int(alphabet.length)];
  return s;
}

/** Numbers and numeric strings at and past every boundary a field might have. */
export const HUGE_NUMBERS: readonly unknown[] = [
  0, -1, 1.5, -0, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 1e308, -1e308, 1e400, Number.MAX_SAFE_INTEGER,
  "0", "-1", "1.5", "1e3", "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
  "-9223372036854775809", "99999999999999999999999999999999999999", "0x10", " 1", "1 ", "", "NaN", "Infinity", "-0",
];

/** A random JSON value of any type (shallow). */
export function anyValue(r: Random, depth = 0): unknown {
  switch (r.int(depth > 2 ? 6 : 8)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick(HUGE_NUMBERS);
    case 3:
      return chars(r, BASE58 + "!@#$%^&*()\u0000\u00e9\ud83d\ude00\"\\/", r.length(64));
    case 4:
      return r.int(1000) - 500;
    case 5:
      return "";
    case 6:
      return Array.from({ length: r.int(4) }, () => anyValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = r.int(4); i > 0; i--) o[chars(r, "abcdefghijklmnopqrstuvwxyz_", 1 + r.int(12))] = anyValue(r, depth + 1);
      return o;
    }
  }
}

/** A value nested `depth` levels deep (arrays or objects), as text: JSON.stringify would recurse. */
export function deepText(r: Random, depth: number): string {
  return r.chance(0.5) ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

/** A giant string (up to `max` characters). */
export function giantString(r: Random, max: number): string {
  return r.pick(["x", "1", "A", "é", "\\u0000"]).repeat(1 + r.int(max));
}

/** A bytes field's value: valid in its encoding, or almost. */
function bytesValue(r: Random, format: string | undefined): string {
  const n = r.length(r.chance(0.05) ? 4096 : 64);
  if (format === "base58") {
    if (r.chance(0.15)) return chars(r, BASE58 + "0OIl+/=", n);
    return chars(r, BASE58, n);
  }
  if (format === "hex") {
    if (r.chance(0.15)) return "0x" + chars(r, "0123456789abcdefgXYZ", n);
    return "0x" + chars(r, "0123456789abcdef", n * 2);
  }
  if (r.chance(0.15)) return chars(r, B64URL + "+/=. ", n);
  return chars(r, B64URL, n) + (r.chance(0.2) ? "=" : "");
}

/** A value for `schema`: mostly the right shape, sometimes not (`mutate` is the per-node chance). */
export function schemaValue(r: Random, schema: Schema, defs: Record<string, Schema>, mutate: number, depth = 0): unknown {
  if (r.chance(mutate)) return anyValue(r);
  if (schema.$ref !== undefined) {
    if (depth > 6) return {};
    const name = schema.$ref.replace("#/$defs/", "");
    const target = defs[name];
    return target === undefined ? {} : schemaValue(r, target, defs, mutate, depth + 1);
  }
  switch (schema.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(schema.properties ?? {})) if (r.chance(0.7)) out[k] = schemaValue(r, v, defs, mutate, depth + 1);
      if (r.chance(mutate)) out[chars(r, "abcdefghijklmnopqrstuvwxyz_", 8)] = anyValue(r);
      return out;
    }
    case "array":
      return Array.from({ length: r.chance(0.02) ? 1001 + r.int(50) : r.int(4) }, () => schemaValue(r, schema.items ?? {}, defs, mutate, depth + 1));
    case "string":
      if (schema.enum !== undefined) return r.chance(0.9) ? r.pick(schema.enum) : anyValue(r);
      if (schema.format === "int64" || schema.format === "uint64") return r.chance(0.6) ? String(r.int(1_000)) : String(r.pick(HUGE_NUMBERS));
      if (schema.format === "base58" || schema.format === "hex" || schema.format === "base64url") return bytesValue(r, schema.format);
      return r.chance(0.02) ? giantString(r, 100_000) : chars(r, "abcdefghijklmnopqrstuvwxyz_", r.length(32));
    case "integer":
      return r.chance(0.7) ? r.int(10_000) : r.pick(HUGE_NUMBERS);
    case "number":
      return r.next() * 1000;
    case "boolean":
      return r.chance(0.5);
    default:
      return anyValue(r);
  }
}
