/** A logger for tests that keeps what it is given, to assert on what was logged. */
import type { Logger } from "@cairn/core";

/** One line a recording logger saw. */
export interface LogLine {
  level: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
  msg: string | undefined;
  context: object;
}

/** A logger whose every call lands in `lines` (children share them; their bindings are not kept). */
export function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at = (level: LogLine["level"]) => (context: object, msg?: string) => void lines.push({ level, msg, context });
  const logger: Logger & { lines: LogLine[] } = {
    lines,
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    fatal: at("fatal"),
    child: () => logger,
  };
  return logger;
}
