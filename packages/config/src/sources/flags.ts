/**
 * The command-line layer: `--key value`, `--key=value`, `--flag` (true) and `--no-flag` (false)
 * for boolean keys, kebab-case names (`--irreversible-threshold`; camelCase also accepted), nested
 * keys joined by dots (`--jsonrpc.batch-limit 10`). Array keys take comma-separated values or the
 * flag repeated. `--config <file>` selects the config file. Anything else (positional arguments,
 * short flags, unknown names) is an error, so a typo never goes unnoticed.
 */
import { ConfigError, ConfigErrorCode } from "../errors.ts";
import { coerceString } from "../coerce.ts";
import type { LayerEntry } from "../layer.ts";
import { pathKey, toCamel } from "../names.ts";
import type { ConfigLeaf } from "../schema-leaves.ts";

/** Flag that selects the config file. */
export const CONFIG_FILE_FLAG = "config";

/** What the command line says. */
export interface FlagLayer {
  entries: LayerEntry[];
  /** Value of `--config`, if given. */
  configFile: string | undefined;
}

const BOOLEAN_WORDS = new Set(["true", "false", "1", "0", "yes", "no", "on", "off"]);

function acceptsBoolean(leaf: ConfigLeaf): boolean {
  return leaf.kinds.has("boolean");
}

/** Parses `argv` (without the executable and script) against the schema's leaves. */
export function flagLayer(argv: readonly string[], leaves: readonly ConfigLeaf[]): FlagLayer {
  const byKey = new Map(leaves.map((l) => [pathKey(l.path), l]));
  const lookup = (name: string) => byKey.get(pathKey(name.split(".").map(toCamel)));
  const entries: LayerEntry[] = [];
  const arrays = new Map<string, LayerEntry>();
  let configFile: string | undefined;

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith("--") || token.length === 2) {
      throw new ConfigError(ConfigErrorCode.BadArgument, `unexpected argument "${token}" (options are --key value or --key=value)`, { argument: token });
    }
    const eq = token.indexOf("=");
    const name = token.slice(2, eq === -1 ? undefined : eq);
    let value: string | undefined = eq === -1 ? undefined : token.slice(eq + 1);
    const next = argv[i + 1];
    const takeNext = (): string | undefined => (next !== undefined && !next.startsWith("--") ? (i++, next) : undefined);

    if (name === CONFIG_FILE_FLAG) {
      configFile = value ?? takeNext();
      if (configFile === undefined) throw new ConfigError(ConfigErrorCode.BadArgument, "flag --config needs a file path", { flag: "--config" });
      continue;
    }
    let leaf = lookup(name);
    if (!leaf && name.startsWith("no-")) {
      const negated = lookup(name.slice(3));
      if (negated && acceptsBoolean(negated) && value === undefined) {
        entries.push({ path: negated.path, value: false, source: { kind: "flag", name: `--${name}` } });
        continue;
      }
    }
    if (!leaf) throw new ConfigError(ConfigErrorCode.UnknownKey, `unknown flag --${name}`, { flag: `--${name}` });

    if (value === undefined) {
      if (acceptsBoolean(leaf)) value = next !== undefined && BOOLEAN_WORDS.has(next.toLowerCase()) ? (i++, next) : "true";
      else value = takeNext();
    }
    if (value === undefined) throw new ConfigError(ConfigErrorCode.BadArgument, `flag --${name} needs a value`, { flag: `--${name}` });

    const entry: LayerEntry = { path: leaf.path, value: coerceString(value, leaf), source: { kind: "flag", name: `--${name}` } };
    const previous = leaf.elementKinds ? arrays.get(pathKey(leaf.path)) : undefined;
    if (previous && Array.isArray(previous.value) && Array.isArray(entry.value)) {
      previous.value = [...previous.value, ...entry.value];
      continue;
    }
    if (leaf.elementKinds) arrays.set(pathKey(leaf.path), entry);
    entries.push(entry);
  }
  return { entries, configFile };
}
