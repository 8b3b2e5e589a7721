/**
 * Structured logging: a constant message plus a context object (pino underneath). Two formats:
 * JSON lines for collectors (the default) and a human one for a terminal (`pino-pretty`: time,
 * level in colour, the service and module, the message, then the context as `key=value`).
 */
import { createRequire } from "node:module";
import pino from "pino";
import type pretty from "pino-pretty";
import { Writable } from "node:stream";

/**
 * pino-pretty, loaded the first time a pretty logger is made: a JSON-logging process (every
 * service, a dev node whose output is not a terminal) never pays its ~40 ms of module loading.
 */
let prettyModule: typeof pretty | undefined;
function loadPretty(): typeof pretty {
  prettyModule ??= createRequire(import.meta.url)("pino-pretty") as typeof pretty;
  return prettyModule;
}

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

/** `json`: one JSON object per line; `pretty`: one readable line per event (terminals). */
export type LogFormat = "json" | "pretty";

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
  /** Output format; default `json`. */
  format?: LogFormat;
  /** Colours in the `pretty` format; default: when the destination is a terminal. */
  colorize?: boolean;
  /** Destination stream; default stdout. */
  destination?: pino.DestinationStream & { isTTY?: boolean };
}

/** Keys whose values are never written (private keys, secrets). */
const REDACT = ["privateKey", "private_key", "wif", "password", "*.privateKey", "*.private_key", "*.wif", "*.password"];

/** The format a process should log in by default: human on a terminal, JSON otherwise. */
export function defaultLogFormat(stream: { isTTY?: boolean } = process.stdout): LogFormat {
  return stream.isTTY === true ? "pretty" : "json";
}

/**
 * pino writes a child's bindings and the call's object side by side, so a key present in both
 * (a `schema` bound by a child logger and passed again at the call) appeared twice in one JSON
 * object. This hook drops from the call's object the keys the logger already binds with the same
 * value, and renames a differing one to `<key>_` so both stay readable and the JSON stays valid.
 */
function withoutBoundKeys(this: pino.Logger, args: Parameters<pino.LogFn>, method: pino.LogFn): void {
  const obj = args[0];
  if (typeof obj === "object" && obj !== null && !(obj instanceof Error)) {
    const bound = this.bindings();
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(obj)) {
      if (!(key in bound)) continue;
      copy ??= { ...(obj as Record<string, unknown>) };
      const value = copy[key];
      delete copy[key];
      if (value !== bound[key]) copy[`${key}_`] = value;
    }
    if (copy) args = [copy, ...args.slice(1)] as unknown as Parameters<pino.LogFn>;
  }
  method.apply(this, args as unknown as [string]);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const opts: pino.LoggerOptions = {
    level: options.level ?? "info",
    name: options.name,
    redact: { paths: REDACT, censor: "[redacted]" },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: { logMethod: withoutBoundKeys },
  };
  const destination = options.destination ?? (process.stdout as unknown as pino.DestinationStream & { isTTY?: boolean });
  if (options.format === "pretty") {
    // pino-pretty pipes into a Node stream: a bare `{ write }` destination is wrapped in one.
    const target = typeof (destination as { on?: unknown }).on === "function" ? (destination as unknown as NodeJS.WritableStream) : new Writable({ write: (chunk, _enc, done) => (destination.write(String(chunk)), done()) });
    const stream = loadPretty()({
      destination: target,
      colorize: options.colorize ?? (destination as { isTTY?: boolean }).isTTY === true,
      sync: true,
      translateTime: "SYS:HH:MM:ss.l",
      ignore: "pid,hostname,name,module",
      messageFormat: "{if name}{name}{end}{if module} {module}{end}: {msg}",
      singleLine: true,
    });
    return pino(opts, stream) as unknown as Logger;
  }
  if (options.destination) return pino(opts, options.destination) as unknown as Logger;
  return pino(opts) as unknown as Logger;
}

/** A logger that drops everything (tests). */
export function silentLogger(): Logger {
  return pino({ level: "silent" }) as unknown as Logger;
}
