/**
 * What a benchmark reports: figures (a value, its unit, the target when there is one, the
 * baseline measured in the same run and the ratio to it), notes (what was not measured and why),
 * and raw data. Each benchmark writes its result as JSON (`--out FILE`, default
 * bench/results/parts/<name>.json); the suite (bench/suite.ts) gathers them into
 * bench/results/latest.json and docs/benchmarks.md.
 */
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { QUICK, flag, say } from "./util.ts";

export interface Target {
  /** `>=`: at least; `<=`: at most. */
  op: ">=" | "<=";
  value: number;
  /** Where the target comes from ("architecture §9"). */
  source?: string;
}

export interface Figure {
  id: string;
  label: string;
  value: number | null;
  unit: string;
  target?: Target;
  /** The same quantity measured in the same run on the thing compared with. */
  baseline?: { label: string; value: number | null; unit?: string };
  /** value / baseline.value (or as `ratioNote` says). */
  ratio?: number | null;
  /** Whether the target is met (undefined: no target, or not measurable). */
  met?: boolean;
  note?: string;
}

export interface BenchResult {
  name: string;
  title: string;
  quick: boolean;
  started_at: string;
  seconds: number;
  command: string;
  figures: Figure[];
  notes: string[];
  data: Record<string, unknown>;
}

/** Sets `met` from the target (and the ratio from the baseline when both are numbers). */
export function figure(f: Figure): Figure {
  const out = { ...f };
  if (out.baseline && out.ratio === undefined && out.value !== null && out.baseline.value !== null && out.baseline.value !== 0) out.ratio = Number((out.value / out.baseline.value).toFixed(3));
  if (out.target && out.value !== null && Number.isFinite(out.value)) out.met = out.target.op === ">=" ? out.value >= out.target.value : out.value <= out.target.value;
  return out;
}

/** Collects a benchmark's figures and writes them at the end. */
export class Report {
  readonly figures: Figure[] = [];
  readonly notes: string[] = [];
  readonly data: Record<string, unknown> = {};
  private readonly startedAt = new Date();
  private readonly t0 = performance.now();
  constructor(
    readonly name: string,
    readonly title: string,
  ) {}

  add(f: Figure): Figure {
    const done = figure(f);
    this.figures.push(done);
    const target = done.target ? ` (target ${done.target.op} ${done.target.value}${done.met === undefined ? "" : done.met ? ": met" : ": NOT met"})` : "";
    const ratio = done.ratio !== undefined && done.ratio !== null ? `, ${done.ratio}× ${done.baseline?.label ?? "baseline"}` : "";
    say(`${done.label}: ${done.value ?? "n/a"} ${done.unit}${ratio}${target}`);
    return done;
  }

  note(text: string): void {
    this.notes.push(text);
    say(`note: ${text}`);
  }

  /** Writes the result file and returns it. */
  async write(): Promise<BenchResult> {
    const result: BenchResult = {
      name: this.name,
      title: this.title,
      quick: QUICK,
      started_at: this.startedAt.toISOString(),
      seconds: Math.round((performance.now() - this.t0) / 100) / 10,
      command: `bun ${process.argv.slice(1).map((a) => a.replace(resolve(import.meta.dir, "../..") + "/", "")).join(" ")}`,
      figures: this.figures,
      notes: this.notes,
      data: this.data,
    };
    const out = resolve(flag("out", join(import.meta.dir, "..", "results", "parts", `${this.name}${QUICK ? ".quick" : ""}.json`)));
    mkdirSync(dirname(out), { recursive: true });
    await Bun.write(out, `${JSON.stringify(result, null, 2)}\n`);
    say(`wrote ${out}`);
    return result;
  }
}
