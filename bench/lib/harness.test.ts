/** The benchmark harness's own logic: figures and targets, the profile summary, the report, child clean-up. No timing is asserted. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarizeProfile, moduleOf } from "./cpu-profile.ts";
import { figure } from "./result.ts";
import { renderMarkdown, type SuiteResult } from "./markdown.ts";
import { cleanupAll, onCleanup, spawnChild } from "./children.ts";
import { latencySummary, percentile } from "./util.ts";

describe("figure", () => {
  test("met follows the target's direction; ratio comes from the baseline", () => {
    expect(figure({ id: "a", label: "a", value: 3000, unit: "/s", target: { op: ">=", value: 2500 } }).met).toBe(true);
    expect(figure({ id: "a", label: "a", value: 2000, unit: "/s", target: { op: ">=", value: 2500 } }).met).toBe(false);
    expect(figure({ id: "b", label: "b", value: 350, unit: "MB", target: { op: "<=", value: 300 } }).met).toBe(false);
    expect(figure({ id: "c", label: "c", value: 600, unit: "/s", baseline: { label: "bare", value: 1200 } }).ratio).toBe(0.5);
    expect(figure({ id: "d", label: "d", value: null, unit: "/s", target: { op: ">=", value: 1 } }).met).toBeUndefined();
  });
});

test("percentiles: nearest rank", () => {
  const xs = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  expect(percentile(xs, 50)).toBe(50);
  expect(percentile(xs, 99)).toBe(99);
  expect(latencySummary([5, 1, 3])).toEqual({ p50_ms: 3, p99_ms: 5 });
});

describe("cpu profile summary", () => {
  const root = "/repo";
  test("modules group a file to its package", () => {
    expect(moduleOf("/repo/node_modules/.bun/drizzle-orm@0.45.4/node_modules/drizzle-orm/pglite/session.js", root)).toBe("npm:drizzle-orm");
    expect(moduleOf("/repo/node_modules/@electric-sql/pglite/dist/x.js", root)).toBe("npm:@electric-sql/pglite");
    expect(moduleOf("/repo/services/chain/src/chain.ts", root)).toBe("services/chain");
    expect(moduleOf("/repo/gateway/src/app.ts", root)).toBe("gateway");
    expect(moduleOf("", root)).toBe("(native / runtime)");
  });
  test("self time by function and module, inside the window only", () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-profile-test-"));
    const file = join(dir, "p.cpuprofile");
    const nodes = [
      { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1 }, children: [2, 3] },
      { id: 2, callFrame: { functionName: "apply", url: "file:///repo/services/chain/src/chain.ts", lineNumber: 9 } },
      { id: 3, callFrame: { functionName: ".wasm-function[12]", url: "", lineNumber: 0 } },
    ];
    // 1 ms apart: samples at 1…6 ms; the window 2…5 ms holds samples 2,3,4,5 → apply ×3, wasm ×1.
    writeFileSync(file, JSON.stringify({ nodes, startTime: 0, endTime: 6000, samples: [3, 2, 2, 2, 3, 3], timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000] }));
    const s = summarizeProfile(file, root, 2, 5);
    expect(s.samples).toBe(4);
    expect(s.topModules).toEqual([
      { module: "services/chain", selfPercent: 75 },
      { module: "wasm (PGlite's Postgres)", selfPercent: 25 },
    ]);
    expect(s.topFunctions[0]).toEqual({ name: "apply", where: "services/chain/src/chain.ts:10", selfPercent: 75 });
  });
});

test("markdown: targets table with met, ratio, previous run, failed steps", () => {
  const result = (value: number) => ({
    name: "transfers",
    title: "End-to-end transfers",
    quick: false,
    started_at: "2026-12-02T00:00:00Z",
    seconds: 1,
    command: "bun bench/transfers.bench.ts",
    figures: [figure({ id: "dev.tps", label: "dev node: transfers/s", value, unit: "transfers/s", target: { op: ">=", value: 2500 } })],
    notes: ["anvil: NOT MEASURED — not installed"],
    data: {},
  });
  const suite = (value: number): SuiteResult => ({ generated_at: "2026-12-02T10:00:00Z", quick: false, command: "bun run bench", commit: "abc", machine: { cpu: "x × 2" }, seconds: 10, steps: [{ name: "growth", file: "bench/growth.bench.ts", seconds: 1, ok: false, error: "exited with 1" }], results: [result(value)], raw: {} });
  const md = renderMarkdown(suite(3000), suite(485));
  expect(md).toContain("| dev node: transfers/s | 3,000 transfers/s | >= 2,500 transfers/s |  |  | yes | 485 transfers/s |");
  expect(md).toContain("`bench/growth.bench.ts`: exited with 1");
  expect(md).toContain("- anvil: NOT MEASURED — not installed");
});

test("clean-up stops children (and their process group) and runs clean-ups last-first", async () => {
  const order: string[] = [];
  onCleanup("first", () => order.push("first"));
  onCleanup("second", () => order.push("second"));
  const child = spawnChild(["bash", "-c", "sleep 60 & wait"], { stdout: "ignore", stderr: "ignore" });
  await cleanupAll();
  expect(child.signalCode ?? child.exitCode).not.toBeNull();
  expect(order).toEqual(["second", "first"]);
});
