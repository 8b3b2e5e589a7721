/**
 * Turns zod validation issues into one `ConfigError` whose message names each bad key with the
 * layer that set it: `invalid config chain.irreversibleThreshold (from env
 * CAIRN_CHAIN_IRREVERSIBLE_THRESHOLD): expected number, received string`.
 */
import type { z } from "zod";
import { ConfigError, ConfigErrorCode } from "./errors.ts";
import { describeSource, type ValueSource } from "./layer.ts";
import { pathKey, toEnvName, toKebab } from "./names.ts";

/** Source of each set leaf, keyed by `pathKey`. */
export type Provenance = ReadonlyMap<string, ValueSource>;

function sourceFor(path: string[], provenance: Provenance): ValueSource | undefined {
  for (let n = path.length; n > 0; n--) {
    const found = provenance.get(pathKey(path.slice(0, n)));
    if (found) return found;
  }
  return undefined;
}

function cleanMessage(message: string): string {
  return message.replace(/^Invalid (input|option): /, "");
}

/** One line per issue; a `ConfigError` carrying them all. */
export function configErrorFromIssues(service: string, issues: readonly z.core.$ZodIssue[], provenance: Provenance): ConfigError {
  const details = issues.map((issue) => {
    const path = issue.path.map(String);
    const key = `${service}.${pathKey(path)}`;
    const source = sourceFor(path, provenance);
    const missing = source === undefined && issue.code === "invalid_type" && / received undefined$/.test(issue.message);
    if (missing) {
      const hint = `set it in the "${service}" section of the config file, env CAIRN_${toEnvName(service)}_${path.map(toEnvName).join("_")} or flag --${path.map(toKebab).join(".")}`;
      return { key, source: undefined, missing: true, line: `missing config ${key}: ${hint}` };
    }
    const from = source ? ` (from ${describeSource(source)})` : "";
    return { key, source: source && describeSource(source), missing: false, line: `invalid config ${key}${from}: ${cleanMessage(issue.message)}` };
  });
  const code = details.every((d) => d.missing) ? ConfigErrorCode.Missing : ConfigErrorCode.Invalid;
  return new ConfigError(code, details.map((d) => d.line).join("; "), {
    issues: details.map(({ key, source, line }) => ({ key, source, message: line })),
  });
}
