/**
 * Turns the strings that environment variables and flags carry into the value a leaf expects:
 * numbers, bigints, booleans (`true/false`, `1/0`, `yes/no`, `on/off`), comma-separated arrays,
 * or JSON for structured values. A string that does not convert is passed through unchanged, so
 * validation reports it with the expected type.
 */
import type { ConfigLeaf, ValueKind } from "./schema-leaves.ts";

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

function coerceScalar(raw: string, kinds: Set<ValueKind>): unknown {
  const s = raw.trim();
  if (kinds.has("boolean")) {
    const lower = s.toLowerCase();
    if (TRUE.has(lower) && !(kinds.has("number") && lower === "1")) return true;
    if (FALSE.has(lower) && !(kinds.has("number") && lower === "0")) return false;
  }
  if (kinds.has("number") && s !== "" && Number.isFinite(Number(s))) return Number(s);
  if (kinds.has("bigint") && /^-?\d+$/.test(s)) return BigInt(s);
  return raw;
}

function tryJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** The value `raw` (from env or a flag) stands for, given what `leaf` accepts. */
export function coerceString(raw: string, leaf: ConfigLeaf): unknown {
  if (leaf.elementKinds) {
    if (raw.trim().startsWith("[")) return tryJson(raw);
    if (raw.trim() === "") return [];
    return raw.split(",").map((part) => coerceScalar(part.trim(), leaf.elementKinds!));
  }
  if (leaf.kinds.size === 0) return /^\s*[[{]/.test(raw) ? tryJson(raw) : raw;
  return coerceScalar(raw, leaf.kinds);
}

/**
 * File values are already typed (YAML/JSON); only bigints need help, since JSON and YAML have
 * none: an integer number or a digit string becomes a bigint where the leaf wants one. Write
 * values above 2^53 as quoted strings.
 */
export function coerceFileValue(value: unknown, leaf: ConfigLeaf): unknown {
  const wantsBigint = leaf.kinds.has("bigint") && !leaf.kinds.has("number");
  if (wantsBigint && typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (wantsBigint && typeof value === "string" && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  if (leaf.elementKinds?.has("bigint") && Array.isArray(value)) {
    return value.map((v) => coerceFileValue(v, { path: leaf.path, kinds: leaf.elementKinds!, elementKinds: undefined }));
  }
  return value;
}
