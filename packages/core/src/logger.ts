/** Structured logging: a constant message plus a context object (pino underneath, JSON lines). */
import pino from "pino";

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

/** What components depend on; pino's logger satisfies it, tests may pass a silent one. */
export interface Logger {
  trace(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  fatal(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  /** Minimum level written; default `info`. */
  level?: LogLevel;
  /** Name written on every line (the service), e.g. `chain`. */
  name?: string;
  /** Human-readable output instead of JSON lines (dev mode). Default false. */
  pretty?: boolean;
  /** Destination stream; default stdout. */
  destination?: pino.DestinationStream;
}

/** Keys whose values are never written (private keys, secrets). */
const REDACT = ["privateKey", "private_key", "wif", "password", "*.privateKey", "*.private_key", "*.wif", "*.password"];

export function createLogger(options: LoggerOptions = {}): Logger {
  const opts: pino.LoggerOptions = {
    level: options.level ?? "info",
    name: options.name,
    redact: { paths: REDACT, censor: "[redacted]" },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.destination) return pino(opts, options.destination) as unknown as Logger;
  return pino(opts) as unknown as Logger;
}

/** A logger that drops everything (tests). */
export function silentLogger(): Logger {
  return pino({ level: "silent" }) as unknown as Logger;
}
