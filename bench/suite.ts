#!/usr/bin/env bun
/**
 * `bun run bench`: every benchmark of architecture §9, one after the other, each in its own process
 * (its progress on this terminal), then docs/benchmarks.md and bench/results/latest.json with
 * the figures, their targets, the baselines of the same run, the ratios and the machine.
 * `--quick` runs the smoke form (proves the harness in about three minutes; writes
 * bench/results/parts/ only, never the docs). `--only a,b` runs some of them.
 *
 *   bun run bench [--quick] [--only transfers,start,reads,growth,rebuild,profile,contracts] [--results-dir DIR]
 *   bun run bench --render-only      (docs/benchmarks.md again from the last results)
 */
import { cpus, loadavg, release, totalmem } from "node:os";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { runBench, spawnChild, stopChild, stopping } from "./lib/children.ts";
import { ROOT } from "./lib/dev-node.ts";
import { anvilBinary, anvilVersion } from "./lib/anvil.ts";
import { type SuiteResult, renderMarkdown } from "./lib/markdown.ts";
import type { BenchResult } from "./lib/result.ts";
import { QUICK, flag, say } from "./lib/util.ts";

interface Step {
  name: string;
  file: string;
  args?: string[];
  /** Longest it may take, s (full form). */
  limitS: number;
  /** Prints its own JSON instead of writing a result file. */
  raw?: boolean;
}

const STEPS: Step[] = [
  { name: "transfers", file: "bench/transfers.bench.ts", limitS: 1500 },
  { name: "start", file: "bench/start.bench.ts", limitS: 600 },
  { name: "reads", file: "bench/reads.bench.ts", limitS: 600 },
  { name: "growth", file: "bench/growth.bench.ts", limitS: 600 },
  { name: "rebuild", file: "bench/rebuild.bench.ts", limitS: 600 },
  { name: "profile", file: "bench/profile.bench.ts", limitS: 300 },
  { name: "contracts", file: "bench/contracts.bench.ts", limitS: 300, raw: true },
];

const only = flag("only")?.split(",");
/** `--results-dir DIR` (tests): where latest.json and parts/ go instead of bench/results. */
const resultsDir = resolve(flag("results-dir", join(ROOT, "bench/results")));
const partsDir = join(resultsDir, "parts");

function git(...args: string[]): string {
  return Bun.spawnSync(["git", ...args], { cwd: ROOT }).stdout.toString().trim();
}

async function machine(): Promise<Record<string, string | number>> {
  const bin = anvilBinary();
  return {
    cpu: `${cpus()[0]?.model ?? "unknown"} × ${cpus().length}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    kernel: release(),
    bun: Bun.version,
    anvil: bin ? await anvilVersion(bin) : "not installed (optional dependency @foundry-rs/anvil-linux-amd64)",
    "load average at start (1/5/15 min)": loadavg().map((x) => x.toFixed(2)).join(" / "),
  };
}

/** The last top-level JSON object a benchmark printed. */
function lastJson(text: string): unknown {
  for (let i = text.lastIndexOf("\n{"); i >= -1; i = text.lastIndexOf("\n{", i - 1)) {
    try {
      return JSON.parse(text.slice(i + 1));
    } catch {
      if (i <= 0) break;
    }
  }
  return undefined;
}

/** `--render-only`: writes docs/benchmarks.md again from bench/results/latest.json (and previous.json), running nothing. */
async function renderOnly(): Promise<void> {
  const read = (f: string) => (existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as SuiteResult) : undefined);
  const latest = read(join(resultsDir, "latest.json"));
  if (latest === undefined) throw new Error(`no ${join(resultsDir, "latest.json")} to render`);
  await Bun.write(join(ROOT, "docs/benchmarks.md"), renderMarkdown(latest, read(join(resultsDir, "previous.json"))));
  say("wrote docs/benchmarks.md from bench/results/latest.json");
}

await runBench(async () => {
  if (process.argv.includes("--render-only")) return renderOnly();
  const t0 = performance.now();
  mkdirSync(partsDir, { recursive: true });
  const suite: SuiteResult = {
    generated_at: new Date().toISOString(),
    quick: QUICK,
    command: `bun run bench${QUICK ? " --quick" : ""}${only ? ` --only ${only.join(",")}` : ""}`,
    commit: `${git("rev-parse", "--short=12", "HEAD")}${git("status", "--porcelain") === "" ? "" : " (with uncommitted changes)"}`,
    machine: await machine(),
    seconds: 0,
    steps: [],
    results: [],
    raw: {},
  };
  const steps = STEPS.filter((s) => !only || only.includes(s.name));
  for (const [i, step] of steps.entries()) {
    if (stopping()) break;
    say(`── ${i + 1}/${steps.length} ${step.name}: bun ${step.file}${QUICK ? " --quick" : ""}`);
    const out = join(partsDir, `${step.name}${QUICK ? ".quick" : ""}.json`);
    const rawOut = join(partsDir, `${step.name}${QUICK ? ".quick" : ""}.stdout.txt`);
    const quickArgs = step.raw ? (QUICK ? ["--accounts", "4", "--per-account", "3"] : []) : QUICK ? ["--quick"] : [];
    const s0 = performance.now();
    const startedAt = Date.now();
    const proc = spawnChild(["bun", join(ROOT, step.file), ...quickArgs, ...(step.raw ? [] : ["--out", out]), ...(step.args ?? [])], {
      cwd: ROOT,
      stdout: step.raw ? Bun.file(rawOut) : "inherit",
      stderr: "inherit",
    });
    const limit = (QUICK ? Math.min(step.limitS, 300) : step.limitS) * 1000;
    const timer = setTimeout(() => {
      say(`${step.name}: over its ${limit / 1000} s limit, stopping it`);
      void stopChild(proc);
    }, limit);
    const code = await proc.exited;
    clearTimeout(timer);
    const seconds = Math.round((performance.now() - s0) / 1000);
    let ok = code === 0;
    let error = ok ? undefined : `exited with ${code ?? proc.signalCode}`;
    if (ok && step.raw) {
      const json = existsSync(rawOut) ? lastJson(readFileSync(rawOut, "utf8")) : undefined;
      if (json === undefined) [ok, error] = [false, "printed no JSON result"];
      else suite.raw[step.name] = json;
    } else if (existsSync(out) && statSync(out).mtimeMs >= startedAt) {
      // Written in this run (a benchmark whose part failed still reports the rest).
      suite.results.push(JSON.parse(readFileSync(out, "utf8")) as BenchResult);
    }
    suite.steps.push({ name: step.name, file: step.file, seconds, ok, error });
    say(`── ${step.name}: ${ok ? "done" : `FAILED (${error})`} in ${seconds} s`);
  }
  suite.seconds = Math.round((performance.now() - t0) / 1000);
  suite.machine["load average at end (1/5/15 min)"] = loadavg().map((x) => x.toFixed(2)).join(" / ");

  const latest = join(resultsDir, QUICK ? "parts/suite.quick.json" : "latest.json");
  const previousFile = join(resultsDir, "previous.json");
  const read = (f: string) => (existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as SuiteResult) : undefined);
  if (!QUICK && only) {
    // `--only` on a full run replaces those benchmarks' results in latest.json and keeps the others (previous.json stays).
    const last = read(latest);
    if (last) {
      const rerun = new Set(suite.steps.map((x) => x.name));
      const order = STEPS.map((x) => x.name);
      const byOrder = <T extends { name: string }>(a: T, b: T) => order.indexOf(a.name) - order.indexOf(b.name);
      suite.results = [...last.results.filter((r) => !rerun.has(r.name)), ...suite.results].sort(byOrder);
      suite.steps = [...last.steps.filter((x) => !rerun.has(x.name)), ...suite.steps].sort(byOrder);
      for (const [k, v] of Object.entries(last.raw)) if (!rerun.has(k)) suite.raw[k] = v;
      suite.command = `${last.command}, then bun run bench --only ${only.join(",")}`;
      suite.seconds += last.seconds;
    }
  } else if (!QUICK && existsSync(latest)) {
    renameSync(latest, previousFile);
  }
  const previous = QUICK ? undefined : read(previousFile);
  await Bun.write(latest, `${JSON.stringify(suite, null, 2)}\n`);
  const docs = QUICK ? join(partsDir, "benchmarks.quick.md") : join(ROOT, "docs/benchmarks.md");
  await Bun.write(docs, renderMarkdown(suite, previous));
  say(`wrote ${latest} and ${docs} (${suite.seconds} s in all)`);
  const failed = suite.steps.filter((s) => !s.ok);
  if (failed.length > 0) throw new Error(`${failed.map((s) => s.name).join(", ")} failed`);
});
