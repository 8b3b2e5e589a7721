/**
 * `--help` for every binary, from the same zod schema that `loadConfig` validates against: one
 * row per flag with the values it takes, its default and the first sentence of the doc comment
 * above the field (read from the options source files when they are on disk, as they are when
 * Bun runs the sources; without them the rows carry no description). Nothing is listed by hand,
 * so the help cannot drift from the options.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { CONFIG_FILE_ENV } from "./sources/env.ts";
import { toKebab } from "./names.ts";
import { configLeaves, objectShape } from "./schema-leaves.ts";

/** The common options' source: its doc comments describe every service's shared flags. */
const COMMON_OPTIONS_FILE = fileURLToPath(new URL("./common-options.ts", import.meta.url));

/** True when `argv` asks for help (`--help` or `-h` anywhere). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === "--help" || a === "-h");
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  defaultValue?: unknown;
  entries?: Record<string, unknown>;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}
const defOf = (s: z.ZodType) => (s as unknown as { def: Def }).def;

/** The schema's `.default()` at `path`, if any (nested objects walked through their shapes). */
function defaultAt(schema: z.ZodType, path: readonly string[]): { has: boolean; value?: unknown } {
  let node: z.ZodType | undefined = schema;
  for (const key of path) {
    const shape: Record<string, z.ZodType> | undefined = node && objectShape(node);
    node = shape?.[key];
    if (!node) return { has: false };
  }
  for (let s: z.ZodType | undefined = node; s; ) {
    const def = defOf(s);
    if (def.type === "default" || def.type === "prefault") {
      const v = def.defaultValue;
      return { has: true, value: typeof v === "function" ? (v as () => unknown)() : v };
    }
    s = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
  }
  return { has: false };
}

/** What a flag takes: `<n>`, `a|b|c`, `<text>`, `[true|false]`, `<a,b>`. */
function valueHint(schema: z.ZodType, path: readonly string[]): string {
  let node: z.ZodType | undefined = schema;
  for (const key of path) node = node && objectShape(node)?.[key];
  const seen = new Set<string>();
  const walk = (s: z.ZodType | undefined): string => {
    if (!s) return "<value>";
    const def = defOf(s);
    if (seen.has(def.type) && def.type !== "enum") return "<value>";
    seen.add(def.type);
    switch (def.type) {
      case "default":
      case "prefault":
      case "optional":
      case "nullable":
      case "readonly":
      case "catch":
        return walk(def.innerType);
      case "pipe":
        return walk(def.in);
      case "enum":
        return Object.values(def.entries ?? {}).join("|");
      case "number":
      case "bigint":
        return "<n>";
      case "boolean":
        return "";
      case "array":
        return `<${walk(def.element).replace(/^<|>$/g, "")},…>`;
      case "string":
        return "<text>";
      default:
        return "<json>";
    }
  };
  return walk(node);
}

function showDefault(v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v === "" ? '""' : v;
  if (Array.isArray(v)) return v.length === 0 ? "none" : v.join(",");
  if (typeof v === "object" && v !== null) return JSON.stringify(v);
  return String(v);
}

/**
 * Doc comments of fields, by field name, from TypeScript sources: the first sentence of each
 * `/** … *\/` directly above a `name:`, every distinct one in file order (a later file replaces an
 * earlier file's, so a binary's own options override the shared fragment's). Unreadable files
 * are skipped.
 */
export function docCommentsOf(files: readonly string[]): Map<string, string[]> {
  const docs = new Map<string, string[]>();
  const re = /\/\*\*((?:[^*]|\*(?!\/))*)\*\/\s*(\w+)\??\s*:/g;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const inFile = new Map<string, string[]>();
    for (const m of text.matchAll(re)) {
      const body = m[1]!
        .split("\n")
        .map((l) => l.replace(/^\s*\*\s?/, "").trim())
        .join(" ")
        .replace(/\s+/g, " ")
        .trim();
      let sentence = body.match(/^(.+?)\.(\s|$)/)?.[1] ?? body;
      if (sentence.length > 120) sentence = `${sentence.slice(0, 119).trimEnd()}…`;
      const list = inFile.get(m[2]!) ?? [];
      if (!list.includes(sentence)) list.push(sentence);
      inFile.set(m[2]!, list);
    }
    for (const [name, list] of inFile) docs.set(name, list);
  }
  return docs;
}

export interface HelpSpec {
  /** First line(s): `usage: cairn-chain [flags]` and what the binary does. */
  usage: string;
  /** The schema `loadConfig` validates (flags are its leaves). */
  schema: z.ZodObject;
  /** Config section / env prefix (for the `CAIRN_<SERVICE>_…` line). */
  service: string;
  /** Source files whose doc comments describe the fields (see {@link docCommentsOf}). */
  docFiles?: readonly string[];
}

/** The `--help` text: usage, one row per flag (values, description, default), and where else options come from. */
export function formatHelp(spec: HelpSpec): string {
  const docs = docCommentsOf([COMMON_OPTIONS_FILE, ...(spec.docFiles ?? [])]);
  const rows = configLeaves(spec.schema).map((leaf) => {
    const flag = `--${leaf.path.map(toKebab).join(".")}`;
    const hint = valueHint(spec.schema, leaf.path);
    const d = defaultAt(spec.schema, leaf.path);
    // A name documented more than once in a file: the last is the schema's field, unless the key is
    // nested (sections declared side by side reuse names like `enabled`): then none rather than a wrong one.
    const found = docs.get(leaf.path[leaf.path.length - 1]!) ?? [];
    const doc = leaf.path.length > 1 && found.length > 1 ? "" : (found[found.length - 1] ?? "");
    // No schema default: the doc comment says what happens when unset, if it mentions a default.
    const def = d.has ? `(default: ${showDefault(d.value)})` : /default/i.test(doc) ? "" : "(default: none)";
    return { left: hint ? `${flag} ${hint}` : flag, right: [doc, def].filter((x) => x !== "").join(" ") };
  });
  const width = Math.min(40, Math.max(...rows.map((r) => r.left.length)));
  const lines = [spec.usage.trimEnd(), "", "flags:"];
  for (const r of rows) {
    const left = r.left.length > width ? `${r.left}\n  ${"".padEnd(width)}` : r.left.padEnd(width);
    lines.push(`  ${left}  ${r.right}`);
  }
  const prefix = `CAIRN_${spec.service.replace(/-/g, "_").toUpperCase()}_<KEY>`;
  lines.push(
    "",
    `Every flag is also a config file key (--config <file> or ${CONFIG_FILE_ENV}; the \`global\` section, then`,
    `\`${spec.service}\`) and an environment variable (${prefix}; DATABASE_URL, NATS_URL, LOG_LEVEL`,
    "where the key exists). Later wins: defaults → file → environment → flags. Booleans: --flag,",
    "--flag=false, --no-flag.",
  );
  return lines.join("\n");
}
