/**
 * The suite's smoke form proves the harness end to end: `bun bench/suite.ts --quick --only growth`
 * (a benchmark that needs only Postgres, seconds long) writes the suite result and its markdown.
 * No timing is asserted: the figures of a smoke run mean nothing.
 */
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SuiteResult } from "./lib/markdown.ts";

test("bun run bench --quick --only growth: a result per figure, a markdown report, nothing left behind", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-bench-suite-"));
  try {
    const proc = Bun.spawn(["bun", join(import.meta.dir, "suite.ts"), "--quick", "--only", "growth", "--results-dir", dir], { stdout: "pipe", stderr: "pipe" });
    const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    expect(code, err.slice(-2000)).toBe(0);
    const suite = JSON.parse(readFileSync(join(dir, "parts/suite.quick.json"), "utf8")) as SuiteResult;
    expect(suite.quick).toBe(true);
    expect(suite.steps).toEqual([expect.objectContaining({ name: "growth", ok: true })]);
    const growth = suite.results.find((r) => r.name === "growth")!;
    const ids = growth.figures.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(["growth.blocks_by_height_ratio", "growth.account_history_ratio"]));
    for (const f of growth.figures) expect(typeof f.value).toBe("number");
    const md = readFileSync(join(dir, "parts/benchmarks.quick.md"), "utf8");
    expect(md).toContain("## Targets (architecture §9)");
    expect(md).toContain("block store p50 at 20,000 / at 1,000 blocks");
    expect(md).toContain("Smoke form");
    // Progress went to the terminal as it ran.
    expect(err).toContain("── 1/1 growth");
    expect(existsSync(join(dir, "latest.json"))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
