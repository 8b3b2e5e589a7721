/**
 * The config file layer. One file serves every service of a node:
 *
 * ```yaml
 * global:            # read by every service
 *   log-level: info
 * chain:             # read by the chain service only
 *   irreversible-threshold: 60
 * block-store: {}    # other services' sections are ignored
 * ```
 *
 * `.json` files are parsed as JSON, anything else as YAML (a superset of JSON) with Bun's
 * built-in parser. Keys may be camelCase, kebab-case or snake_case. Unknown keys in the service's
 * own section are errors (typos); unknown keys in `global` are ignored, since `global` is shared
 * by services with different options.
 */
import { readFileSync } from "node:fs";
import { ConfigError, ConfigErrorCode } from "../errors.ts";
import { coerceFileValue } from "../coerce.ts";
import type { LayerEntry } from "../layer.ts";
import { pathKey, toCamel } from "../names.ts";
import type { ConfigLeaf } from "../schema-leaves.ts";

/** Name of the section every service reads. */
export const GLOBAL_SECTION = "global";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads and parses `file`; `origin` says who named it (`flag --config`, `env CAIRN_CONFIG`, …). */
export function readConfigFile(file: string, origin: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(ConfigErrorCode.File, `cannot read config file ${file} (from ${origin})`, { file, origin }, err);
  }
  let doc: unknown;
  try {
    doc = file.endsWith(".json") ? JSON.parse(text) : Bun.YAML.parse(text);
  } catch (err) {
    throw new ConfigError(ConfigErrorCode.File, `cannot parse config file ${file}: ${String((err as Error).message ?? err)}`, { file }, err);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw new ConfigError(ConfigErrorCode.File, `config file ${file} must hold a mapping of sections`, { file });
  return doc;
}

/** The spellings a service's section may have: `block-store`, `block_store`, `blockStore`. */
export function sectionNames(service: string): string[] {
  return [...new Set([service, service.replace(/-/g, "_"), toCamel(service)])];
}

function flatten(
  section: Record<string, unknown>,
  prefix: string[],
  label: string[],
  ctx: { file: string; leaves: Map<string, ConfigLeaf>; sections: Set<string>; strict: boolean; service: string },
  out: LayerEntry[],
): void {
  for (const [rawKey, value] of Object.entries(section)) {
    const path = [...prefix, toCamel(rawKey)];
    const key = pathKey(path);
    const shown = [...label, rawKey].join(".");
    const leaf = ctx.leaves.get(key);
    if (leaf) {
      out.push({ path, value: coerceFileValue(value, leaf), source: { kind: "file", file: ctx.file, key: shown } });
    } else if (ctx.sections.has(key)) {
      if (!isPlainObject(value)) {
        throw new ConfigError(ConfigErrorCode.Invalid, `invalid config ${ctx.service}.${key} (from file ${ctx.file} (${shown})): expected a mapping`, {
          key: `${ctx.service}.${key}`,
          source: `file ${ctx.file}`,
        });
      }
      flatten(value, path, [...label, rawKey], ctx, out);
    } else if (ctx.strict) {
      throw new ConfigError(ConfigErrorCode.UnknownKey, `unknown config key ${ctx.service}.${key} (from file ${ctx.file} (${shown}))`, {
        key: `${ctx.service}.${key}`,
        source: `file ${ctx.file}`,
      });
    }
  }
}

/** Entries of the `global` section, then of the service's section (which therefore wins). */
export function fileLayer(doc: Record<string, unknown>, file: string, service: string, leaves: readonly ConfigLeaf[]): LayerEntry[] {
  const byKey = new Map(leaves.map((l) => [pathKey(l.path), l]));
  const sections = new Set(leaves.flatMap((l) => l.path.slice(0, -1).map((_, i) => pathKey(l.path.slice(0, i + 1)))));
  const names = sectionNames(service);
  const topLevel = new Set(leaves.map((l) => l.path[0]));
  for (const key of Object.keys(doc)) {
    if (key !== GLOBAL_SECTION && !names.includes(key) && topLevel.has(toCamel(key))) {
      throw new ConfigError(ConfigErrorCode.UnknownKey, `config key ${key} in file ${file} must sit in a section: "${GLOBAL_SECTION}:" or "${service}:"`, {
        key,
        source: `file ${file}`,
      });
    }
  }
  const out: LayerEntry[] = [];
  const ctx = { file, leaves: byKey, sections, service };
  const parts: [string, boolean][] = [[GLOBAL_SECTION, false], ...names.map((n): [string, boolean] => [n, true])];
  for (const [name, strict] of parts) {
    const section = doc[name];
    if (section === undefined || section === null) continue;
    if (!isPlainObject(section)) throw new ConfigError(ConfigErrorCode.File, `section "${name}" of config file ${file} must be a mapping`, { file, section: name });
    flatten(section, [], [name], { ...ctx, strict }, out);
  }
  return out;
}
