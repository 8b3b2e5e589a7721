/**
 * What every maintenance command (`events …`, `rebuild …`) shares: its inputs handed down from
 * main.ts (the only place that reads argv, env and signals), options through `@cairn/config`,
 * and a logger on stderr so stdout carries only the command's output.
 */
import { createLogger, type LogLevel, type Logger } from "@cairn/core";
import { formatHelp, loadConfig, wantsHelp, type Env } from "@cairn/config";
import type { z } from "zod";
import type { ProgressOutput } from "./progress-printer.ts";

/** A command's inputs. */
export interface CommandIo {
  /** Arguments after the command words (`cairn events tail <argv…>`). */
  argv: readonly string[];
  env: Env;
  /** Aborted on SIGINT / SIGTERM. */
  signal: AbortSignal;
  /** Results and progress. */
  stdout: ProgressOutput;
  /** Errors. */
  stderr: { write(text: string): unknown };
}

/** A command: resolves with the process exit code (0 ok, 1 failed, 2 bad options). */
export type Command = (io: CommandIo) => Promise<number>;

/** Thrown by {@link loadCommandOptions}; the command answers exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Thrown by {@link loadCommandOptions} on `--help`; the command prints the text and answers 0. */
export class HelpRequested extends Error {
  override readonly name = "HelpRequested";
}

/** Where a command's flags are documented: a one-line summary and the option files' doc comments. */
export interface CommandHelp {
  summary: string;
  docFiles: readonly string[];
}

/**
 * Loads `schema` for `service` (its config file section and `CAIRN_<SERVICE>_*` env) from `io`;
 * on `--help` throws {@link HelpRequested} with every flag, its default and its description.
 */
export function loadCommandOptions<S extends z.ZodObject>(name: string, service: string, schema: S, io: CommandIo, help?: CommandHelp): z.output<S> {
  if (wantsHelp(io.argv)) {
    throw new HelpRequested(formatHelp({ usage: `usage: ${name} [flags]${help ? `\n${help.summary}` : ""}`, schema, service, docFiles: help?.docFiles ?? [] }));
  }
  try {
    return loadConfig({ service, schema, argv: io.argv, env: io.env });
  } catch (e) {
    throw new UsageError(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A logger writing JSON lines to the command's stderr. */
export function commandLogger(name: string, level: LogLevel, io: Pick<CommandIo, "stderr">): Logger {
  return createLogger({ level, name, destination: { write: (line: string) => void io.stderr.write(line) } });
}

/** Runs `body`, mapping a `UsageError` to exit code 2 and any other error to 1 (message on stderr). */
export async function runCommand(name: string, io: CommandIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof HelpRequested) {
      io.stdout.write(`${e.message}\n`);
      return 0;
    }
    if (e instanceof UsageError) {
      io.stderr.write(`${e.message}\n`);
      return 2;
    }
    if (io.signal.aborted) {
      io.stderr.write(`${name}: interrupted\n`);
      return 130;
    }
    io.stderr.write(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
