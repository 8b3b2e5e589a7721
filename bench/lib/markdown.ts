/** docs/benchmarks.md from a suite result: the issue's targets first, then each benchmark's figures, notes and profile. */
import type { BenchResult, Figure } from "./result.ts";

export interface SuiteResult {
  generated_at: string;
  quick: boolean;
  command: string;
  commit: string;
  machine: Record<string, string | number>;
  seconds: number;
  steps: { name: string; file: string; seconds: number; ok: boolean; error?: string }[];
  results: BenchResult[];
  /** Raw output of benchmarks that print their own JSON (contracts.bench.ts). */
  raw: Record<string, unknown>;
}

const fmt = (v: number | null | undefined, unit = ""): string => {
  if (v === null || v === undefined || Number.isNaN(v)) return "n/a";
  const s = Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : String(v);
  return unit === "" ? s : `${s} ${unit}`;
};
const met = (f: Figure) => (f.met === undefined ? "" : f.met ? "yes" : "**no**");
const cell = (s: string) => s.replaceAll("|", "\\|");

function targetsTable(results: BenchResult[], previous?: SuiteResult): string[] {
  const prev = new Map<string, Figure>();
  for (const r of previous?.results ?? []) for (const f of r.figures) prev.set(f.id, f);
  const rows = ["| figure | measured | target | baseline (same run) | ratio | met | previous run |", "| --- | --- | --- | --- | --- | --- | --- |"];
  for (const r of results) {
    for (const f of r.figures) {
      if (!f.target) continue;
      const p = prev.get(f.id);
      rows.push(
        `| ${cell(f.label)} | ${fmt(f.value, f.unit)} | ${f.target.op} ${fmt(f.target.value, f.unit)} | ${f.baseline ? cell(`${f.baseline.label}: ${fmt(f.baseline.value, f.baseline.unit ?? f.unit)}`) : ""} | ${f.ratio ?? ""} | ${met(f)} | ${p ? fmt(p.value, p.unit) : ""} |`,
      );
    }
  }
  return rows;
}

export function renderMarkdown(s: SuiteResult, previous?: SuiteResult): string {
  const out: string[] = [];
  out.push("# Benchmarks", "");
  out.push(`Written by \`${s.command}\` (bench/suite.ts) on ${s.generated_at.slice(0, 16).replace("T", " ")} UTC at commit \`${s.commit}\`, in ${Math.round(s.seconds)} s.${s.quick ? " **Smoke form (`--quick`): the figures mean nothing.**" : ""}`);
  out.push("Every figure is measured in the same run as its baseline; the machine is shared, so compare ratios, and rerun before trusting a single figure. Raw results: `bench/results/latest.json`.", "");
  out.push("## Machine", "");
  for (const [k, v] of Object.entries(s.machine)) out.push(`- ${k}: ${v}`);
  out.push("");
  out.push("## Targets (architecture §9)", "");
  out.push(...targetsTable(s.results, previous), "");
  const failed = s.steps.filter((x) => !x.ok);
  if (failed.length > 0) {
    out.push("**Benchmarks that failed in this run** (their figures are missing):", "");
    for (const f of failed) out.push(`- \`${f.file}\`: ${f.error ?? "failed"}`);
    out.push("");
  }
  for (const r of s.results) {
    out.push(`## ${r.title}`, "", `\`${r.command}\` — ${r.seconds} s.`, "");
    out.push("| figure | value | baseline (same run) | ratio | target | met |", "| --- | --- | --- | --- | --- | --- |");
    for (const f of r.figures) {
      out.push(`| ${cell(f.label)} | ${fmt(f.value, f.unit)} | ${f.baseline ? cell(`${f.baseline.label}: ${fmt(f.baseline.value, f.baseline.unit ?? f.unit)}`) : ""} | ${f.ratio ?? ""} | ${f.target ? `${f.target.op} ${fmt(f.target.value, f.unit)}` : ""} | ${met(f)} |`);
    }
    out.push("");
    for (const n of r.notes) out.push(`- ${n}`);
    if (r.notes.length > 0) out.push("");
    if (r.name === "profile") out.push(...profileSection(r));
  }
  for (const [name, raw] of Object.entries(s.raw)) {
    out.push(`## ${name} (its own output)`, "", "```json", JSON.stringify(raw, null, 2), "```", "");
  }
  out.push("## Running them", "");
  out.push("- `bun run bench` — everything above (about 15 minutes), writes this file and `bench/results/latest.json`; the previous `latest.json` becomes `bench/results/previous.json` and fills the \"previous run\" column.");
  out.push("- `bun run bench --quick` — the smoke form (seconds per benchmark; writes `bench/results/parts/benchmarks.quick.md`, not this file).");
  out.push("- One benchmark: `bun bench/transfers.bench.ts [--targets dev,anvil,cluster]`, `bun bench/start.bench.ts`, `bun bench/reads.bench.ts`, `bun bench/growth.bench.ts`, `bun bench/profile.bench.ts [--keep DIR]`, `bun bench/contracts.bench.ts`; each takes `--quick` and `--out FILE`.");
  out.push("- anvil comes from the optional dev dependency `@foundry-rs/anvil-linux-amd64` (installed by `bun install` on linux x64); without it the anvil figures are reported as not measured.");
  out.push("- The cluster and growth benchmarks use Postgres (`DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/test`) and NATS (`NATS_URL`), each run in a database and stream of its own, removed at the end.", "");
  return out.join("\n");
}

function profileSection(r: BenchResult): string[] {
  const s = r.data.summary as { samples: number; sampledMs: number; topModules: { module: string; selfPercent: number }[]; topFunctions: { name: string; where: string; selfPercent: number }[] } | undefined;
  if (!s) return [];
  const lead = s.topModules
    .filter((m) => m.module !== "(idle)")
    .slice(0, 4)
    .map((m) => `${m.module} ${m.selfPercent}%`)
    .join(", ");
  const out = [`Where the time goes: ${lead} of the node's self time (${s.samples.toLocaleString("en-US")} samples, ${(s.sampledMs / 1000).toFixed(1)} s of the node's process while it took transfers).`, ""];
  out.push("| module | self % |", "| --- | --- |");
  for (const m of s.topModules) out.push(`| ${cell(m.module)} | ${m.selfPercent} |`);
  out.push("", "| function | where | self % |", "| --- | --- | --- |");
  for (const f of s.topFunctions) out.push(`| ${cell(f.name)} | ${cell(f.where)} | ${f.selfPercent} |`);
  out.push("");
  return out;
}
