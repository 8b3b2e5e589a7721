/**
 * The environment layer. For a key `irreversibleThreshold` of service `chain`, from weakest to
 * strongest: the conventional name where one exists (`DATABASE_URL`, `DATABASE_READ_URL`, `NATS_URL`, `LOG_LEVEL`),
 * then the service name `CAIRN_CHAIN_IRREVERSIBLE_THRESHOLD`. Nested keys join with `_`
 * (`CAIRN_GATEWAY_JSONRPC_BATCH_LIMIT`). There is no global `CAIRN_<KEY>` form: it collides with
 * other services' prefixes (the mempool's `chainAddress` would be `CAIRN_CHAIN_ADDRESS`, an unknown
 * chain key); settings shared by all services go in the config file's `global` section.
 * Empty values count as unset (compose writes `X=` for an unset `${X}`). A `CAIRN_<SERVICE>_…`
 * variable that matches no key is an error (a typo); other variables are left alone.
 */
import { ConfigError, ConfigErrorCode } from "../errors.ts";
import { coerceString } from "../coerce.ts";
import type { LayerEntry } from "../layer.ts";
import { pathKey, toEnvName } from "../names.ts";
import type { ConfigLeaf } from "../schema-leaves.ts";

/** Environment variables, as `process.env`. */
export type Env = Record<string, string | undefined>;

/** Variable that selects the config file. */
export const CONFIG_FILE_ENV = "CAIRN_CONFIG";

/** Conventional variables understood for top-level keys of these names. */
export const CONVENTIONAL_ENV: Readonly<Record<string, string>> = {
  databaseUrl: "DATABASE_URL",
  databaseReadUrl: "DATABASE_READ_URL",
  natsUrl: "NATS_URL",
  logLevel: "LOG_LEVEL",
};

/** The variables that set `leaf`, weakest first. */
export function envNames(service: string, leaf: ConfigLeaf): string[] {
  const key = leaf.path.map(toEnvName).join("_");
  const names: string[] = [];
  const conventional = leaf.path.length === 1 ? CONVENTIONAL_ENV[leaf.path[0]!] : undefined;
  if (conventional) names.push(conventional);
  names.push(`CAIRN_${toEnvName(service)}_${key}`);
  return names;
}

/** Entries from `env`; per key weakest first, so the later one wins when applied in order. */
export function envLayer(env: Env, service: string, leaves: readonly ConfigLeaf[]): LayerEntry[] {
  const known = new Map<string, string>();
  for (const leaf of leaves) {
    for (const name of envNames(service, leaf)) {
      const other = known.get(name);
      if (other !== undefined && other !== pathKey(leaf.path)) {
        throw new ConfigError(ConfigErrorCode.Invalid, `config keys ${other} and ${pathKey(leaf.path)} both map to env ${name}`, { name });
      }
      known.set(name, pathKey(leaf.path));
    }
  }
  const prefix = `CAIRN_${toEnvName(service)}_`;
  for (const name of Object.keys(env)) {
    if (name.startsWith(prefix) && !known.has(name) && name !== CONFIG_FILE_ENV && env[name] !== "" && env[name] !== undefined) {
      throw new ConfigError(ConfigErrorCode.UnknownKey, `unknown config key for ${service} (from env ${name})`, { source: `env ${name}` });
    }
  }
  const out: LayerEntry[] = [];
  for (const leaf of leaves) {
    for (const name of envNames(service, leaf)) {
      const raw = env[name];
      if (raw === undefined || raw === "") continue;
      out.push({ path: leaf.path, value: coerceString(raw, leaf), source: { kind: "env", name } });
    }
  }
  return out;
}
