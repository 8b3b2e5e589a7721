/** The progress display: one line rewritten with `\r` on a terminal, one line per report otherwise. */
import { describe, expect, test } from "bun:test";
import type { ReplayProgress } from "@cairn/core";
import { progressPrinter } from "./progress-printer.ts";

const report = (done: number, total: number, secondsLeft: number): ReplayProgress => ({ done, total, blocksPerSecond: 1500, secondsLeft, elapsedSeconds: done / 1500 });

function capture(isTTY: boolean) {
  const out = { text: "", isTTY, write: (s: string) => void (out.text += s) };
  return out;
}

describe("progressPrinter", () => {
  test("on a terminal: one line rewritten in place, padded over the longer previous one, ended once", () => {
    const out = capture(true);
    const p = progressPrinter(out, "rebuild");
    p.report(report(1_200, 100_000, 65));
    p.report(report(100_000, 100_000, 0));
    p.end();
    p.end();
    const first = "rebuild: 1,200/100,000 blocks (1.2%) · 1,500 blocks/s · 1m05s left";
    const second = "rebuild: 100,000/100,000 blocks (100.0%) · 1,500 blocks/s · 0s left";
    expect(out.text).toBe(`\r${first}\r${second.padEnd(first.length)}\n`);
  });

  test("elsewhere: one plain line per report", () => {
    const out = capture(false);
    const p = progressPrinter(out, "republish");
    p.report(report(5, 10, 1));
    p.report(report(10, 10, 0));
    p.end();
    expect(out.text.split("\n")).toEqual(["republish: 5/10 blocks (50.0%) · 1,500 blocks/s · 1s left", "republish: 10/10 blocks (100.0%) · 1,500 blocks/s · 0s left", ""]);
  });
});
