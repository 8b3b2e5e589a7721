/**
 * Prints progress reports (`formatProgress` of @cairn/core: blocks done, rate, time
 * left): one line rewritten with `\r` on a terminal, one line per report otherwise (logs, CI).
 */
import { formatProgress, type ReplayProgress } from "@cairn/core";

/** Where progress goes: a `process.stdout`-like stream. */
export interface ProgressOutput {
  write(text: string): unknown;
  /** True on a terminal. */
  isTTY?: boolean;
}

/** Prints reports for one long task. */
export interface ProgressPrinter {
  /** Shows `p` (`<label>: 1,200/5,000 blocks (24.0%) · 850 blocks/s · 4s left`). */
  report(p: ReplayProgress): void;
  /** Ends the rewritten line on a terminal (call before printing anything else). Idempotent. */
  end(): void;
}

/** A printer writing to `out`, each line prefixed with `label: `. */
export function progressPrinter(out: ProgressOutput, label: string): ProgressPrinter {
  const tty = out.isTTY === true;
  let width = 0;
  return {
    report(p) {
      const line = `${label}: ${formatProgress(p)}`;
      if (!tty) {
        out.write(`${line}\n`);
        return;
      }
      out.write(`\r${line.padEnd(width)}`);
      width = Math.max(width, line.length);
    },
    end() {
      if (tty && width > 0) out.write("\n");
      width = 0;
    },
  };
}
