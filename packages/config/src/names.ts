/**
 * Name spellings of one config key. Code and the schema use camelCase (`irreversibleThreshold`);
 * files may use camelCase, kebab-case or snake_case; flags are kebab-case
 * (`--irreversible-threshold`, nested keys joined by dots: `--jsonrpc.batch-limit`); environment
 * variables are upper snake case (`CAIRN_CHAIN_IRREVERSIBLE_THRESHOLD`).
 */

/** `irreversible-threshold`, `irreversible_threshold`, `IRREVERSIBLE_THRESHOLD` → `irreversibleThreshold`. */
export function toCamel(name: string): string {
  const lower = /^[A-Z0-9_]+$/.test(name) ? name.toLowerCase() : name;
  return lower.replace(/[-_]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `irreversibleThreshold` → `irreversible-threshold`. */
export function toKebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/_/g, "-").toLowerCase();
}

/** `irreversibleThreshold` → `IRREVERSIBLE_THRESHOLD`; `block-store` → `BLOCK_STORE`. */
export function toEnvName(name: string): string {
  return toKebab(name).replace(/-/g, "_").toUpperCase();
}

/** Path `["jsonrpc", "batchLimit"]` → `jsonrpc.batchLimit` (the key as messages show it). */
export function pathKey(path: readonly string[]): string {
  return path.join(".");
}
