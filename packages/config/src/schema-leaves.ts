/**
 * Reads a zod object schema as a list of leaves: every key that takes a value, with its path
 * (nested `z.object`s are sections) and the primitive types it accepts. Environment variables and
 * flags arrive as strings; the leaf says what to turn them into.
 */
import type { z } from "zod";

/** A primitive a leaf (or an array leaf's elements) accepts. */
export type ValueKind = "string" | "number" | "bigint" | "boolean";

/** One configurable key. */
export interface ConfigLeaf {
  /** camelCase path, e.g. `["jsonrpc", "batchLimit"]`. */
  path: string[];
  /** Primitives the value may be; empty when none (objects, records…: given as JSON). */
  kinds: Set<ValueKind>;
  /** For array leaves, the kinds of their elements; `undefined` for non-arrays. */
  elementKinds: Set<ValueKind> | undefined;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  element?: z.ZodType;
  entries?: Record<string, unknown>;
  values?: unknown[];
  shape?: Record<string, z.ZodType>;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { def: Def }).def;
}

const WRAPPERS = new Set(["default", "prefault", "optional", "nullable", "readonly", "catch", "nonoptional"]);

/** Strips wrappers (default, optional, nullable, readonly, catch, pipe input) off a schema. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else return current;
  }
}

function kindOfValue(v: unknown): ValueKind | undefined {
  const t = typeof v;
  return t === "string" || t === "number" || t === "bigint" || t === "boolean" ? t : undefined;
}

/** Primitive kinds a (non-object) schema accepts. */
function kindsOf(schema: z.ZodType): Set<ValueKind> {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case "string":
    case "number":
    case "bigint":
    case "boolean":
      return new Set([def.type]);
    case "enum":
      return new Set(Object.values(def.entries ?? {}).map(kindOfValue).filter((k) => k !== undefined));
    case "literal":
      return new Set((def.values ?? []).map(kindOfValue).filter((k) => k !== undefined));
    case "union":
      return new Set((def.options ?? []).flatMap((o) => [...kindsOf(o)]));
    default:
      return new Set();
  }
}

/** The object shape under `schema`, if it is (a wrapped) `z.object`. */
export function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = defOf(unwrap(schema));
  return def.type === "object" ? def.shape : undefined;
}

/** Every leaf of `schema`, depth first, in declaration order. */
export function configLeaves(schema: z.ZodType, prefix: string[] = []): ConfigLeaf[] {
  const shape = objectShape(schema);
  if (!shape) return [];
  const leaves: ConfigLeaf[] = [];
  for (const [key, child] of Object.entries(shape)) {
    const path = [...prefix, key];
    if (objectShape(child)) {
      leaves.push(...configLeaves(child, path));
      continue;
    }
    const inner = unwrap(child);
    const def = defOf(inner);
    if (def.type === "array" && def.element) leaves.push({ path, kinds: new Set(), elementKinds: kindsOf(def.element) });
    else leaves.push({ path, kinds: kindsOf(inner), elementKinds: undefined });
  }
  return leaves;
}
