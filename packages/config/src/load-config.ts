/**
 * `loadConfig`: one typed, validated configuration object for one service, built from layers
 * where later wins: defaults (the schema's `.default()`s, then `defaults`) → config file
 * (`global` section, then the service's section) → environment → command-line flags.
 * Validation happens once, on the merged result.
 */
import type { z } from "zod";
import type { LayerEntry, ValueSource } from "./layer.ts";
import { configErrorFromIssues } from "./issues.ts";
import { pathKey } from "./names.ts";
import { configLeaves } from "./schema-leaves.ts";
import { CONFIG_FILE_ENV, envLayer, type Env } from "./sources/env.ts";
import { fileLayer, readConfigFile } from "./sources/file.ts";
import { flagLayer } from "./sources/flags.ts";

/** Options of `loadConfig`. */
export interface LoadConfigOptions<S extends z.ZodObject> {
  /** Service folder name (`chain`, `block-store`): names the file section and the env prefix. */
  service: string;
  /** The service's options schema, usually `commonOptions(…).extend({…})`. */
  schema: S;
  /** Command-line arguments after the script. Default `process.argv.slice(2)`. */
  argv?: readonly string[];
  /** Environment. Default `process.env`. */
  env?: Env;
  /**
   * Config file to read when neither `--config` nor `CAIRN_CONFIG` names one. Default: none
   * (no file layer). A named file that cannot be read is an error.
   */
  configFile?: string;
  /**
   * Values applied above the schema's own defaults and below the file (e.g. the one-process
   * node's choices for every service). Same shape as the config; default none.
   */
  defaults?: Record<string, unknown>;
}

function defaultsLayer(defaults: Record<string, unknown>, prefix: string[] = []): LayerEntry[] {
  return Object.entries(defaults).flatMap(([key, value]): LayerEntry[] => {
    const path = [...prefix, key];
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return defaultsLayer(value as Record<string, unknown>, path);
    return [{ path, value, source: { kind: "defaults" } }];
  });
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (typeof child !== "object" || child === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Loads, merges and validates the configuration of `service`; throws `ConfigError`. */
export function loadConfig<S extends z.ZodObject>(opts: LoadConfigOptions<S>): z.output<S> {
  const argv = opts.argv ?? process.argv.slice(2);
  const env = opts.env ?? process.env;
  const leaves = configLeaves(opts.schema);

  const flags = flagLayer(argv, leaves);
  const envEntries = envLayer(env, opts.service, leaves);
  const envFile = env[CONFIG_FILE_ENV] || undefined;
  const file = flags.configFile ?? envFile ?? opts.configFile;
  const origin = flags.configFile !== undefined ? "flag --config" : envFile !== undefined ? `env ${CONFIG_FILE_ENV}` : "loadConfig option configFile";
  const fileEntries = file === undefined ? [] : fileLayer(readConfigFile(file, origin), file, opts.service, leaves);

  const merged = new Map<string, { path: string[]; value: unknown; source: ValueSource }>();
  for (const entry of [...defaultsLayer(opts.defaults ?? {}), ...fileEntries, ...envEntries, ...flags.entries]) {
    merged.set(pathKey(entry.path), entry);
  }
  const input: Record<string, unknown> = {};
  for (const { path, value } of merged.values()) setPath(input, path, value);

  const result = opts.schema.safeParse(input);
  if (!result.success) {
    const provenance = new Map([...merged].map(([key, e]) => [key, e.source]));
    throw configErrorFromIssues(opts.service, result.error.issues, provenance);
  }
  return result.data;
}
