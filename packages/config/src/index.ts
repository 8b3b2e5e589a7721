/**
 * @cairn/config — how settings reach a service: defaults, a config file (`global` section, then
 * the service's own), environment variables and command-line flags, later winning, merged into
 * one object validated by the service's zod schema. Any bad, missing or unknown value becomes a
 * `ConfigError` naming the key and where it came from, so the process stops at start with a
 * message a person can act on. `commonOptions` is the fragment every service schema extends.
 */
export * from "./common-options.ts";
export * from "./errors.ts";
export * from "./load-config.ts";
export { describeSource, type LayerEntry, type ValueSource } from "./layer.ts";
export { toCamel, toEnvName, toKebab } from "./names.ts";
export { configLeaves, type ConfigLeaf, type ValueKind } from "./schema-leaves.ts";
export { CONFIG_FILE_ENV, CONVENTIONAL_ENV, envNames, type Env } from "./sources/env.ts";
export { CONFIG_FILE_FLAG } from "./sources/flags.ts";
export { GLOBAL_SECTION } from "./sources/file.ts";
export { docCommentsOf, formatHelp, type HelpSpec, wantsHelp } from "./help.ts";
