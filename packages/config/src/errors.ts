/** The one error type configuration loading throws; its message names the key and the source. */
import { CairnError, ErrorStatus } from "@cairn/core";

/** Error codes of the `config` domain. */
export enum ConfigErrorCode {
  /** A value failed validation (wrong type, out of range, not one of the allowed values). */
  Invalid = "config.invalid",
  /** A required key has no value in any layer. */
  Missing = "config.missing",
  /** A key the service does not have: a typo in its file section, env var or flag. */
  UnknownKey = "config.unknown_key",
  /** A command-line argument that is not a `--flag`, or a flag without its value. */
  BadArgument = "config.bad_argument",
  /** The config file cannot be read or parsed. */
  File = "config.file",
}

/** Raised when configuration is missing, unknown or invalid; the process should stop. */
export class ConfigError extends CairnError {
  constructor(code: ConfigErrorCode, message: string, data: Record<string, unknown> = {}, cause?: unknown) {
    super(code, message, { status: ErrorStatus.InvalidArgument, data, cause });
    this.name = "ConfigError";
  }
}
