/**
 * Summary of a V8/JSC `.cpuprofile` (what `bun --cpu-prof` writes): self time by function and by
 * module (a file grouped to its package or top folder), over the samples inside a time window.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  samples: number;
  /** ms of samples in the window. */
  sampledMs: number;
  topFunctions: { name: string; where: string; selfPercent: number }[];
  topModules: { module: string; selfPercent: number }[];
}

/** Groups a script URL: `node_modules/<pkg>`, the repo's `packages/x`, `services/x`, …, or `native`/`(program)`. */
export function moduleOf(url: string, root: string): string {
  if (url === "") return "(native / runtime)";
  const nm = /node_modules\/(?:\.bun\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `npm:${nm[1]}`;
  const rel = url.startsWith(root) ? url.slice(root.length + 1) : url;
  const parts = rel.split("/");
  if (["packages", "services"].includes(parts[0]!) && parts.length > 1) return `${parts[0]}/${parts[1]}`;
  if (parts[0] === "packages" || parts[0] === "services" || parts[0] === "gateway" || parts[0] === "cli") return parts[0]!;
  return rel.startsWith("/") || rel.includes(":") ? rel.split("/").slice(0, 3).join("/") : parts[0]!;
}

/** Self time per function and module over samples whose time (ms since the profile started) is in [fromMs, toMs]. */
export function summarizeProfile(file: string, root: string, fromMs = 0, toMs = Number.POSITIVE_INFINITY, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfFn = new Map<string, number>();
  const selfMod = new Map<string, number>();
  let t = 0;
  let counted = 0;
  let sampledUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const delta = p.timeDeltas[i] ?? 0;
    t += delta;
    const ms = t / 1000;
    if (ms < fromMs || ms > toMs) continue;
    const node = byId.get(p.samples[i]!);
    if (!node) continue;
    counted++;
    sampledUs += delta;
    const f = { ...node.callFrame, url: node.callFrame.url.replace(/^file:\/\//, "") };
    const where = f.url === "" ? "" : `${f.url.startsWith(root) ? f.url.slice(root.length + 1) : f.url}:${f.lineNumber + 1}`;
    const key = `${f.functionName || "(anonymous)"}\u0000${where}`;
    selfFn.set(key, (selfFn.get(key) ?? 0) + 1);
    const mod = f.functionName.startsWith(".wasm-function") ? "wasm (PGlite's Postgres)" : f.functionName.startsWith("(") && f.url === "" ? f.functionName : moduleOf(f.url, root);
    selfMod.set(mod, (selfMod.get(mod) ?? 0) + 1);
  }
  const pct = (n: number) => Math.round((n / Math.max(1, counted)) * 1000) / 10;
  return {
    samples: counted,
    sampledMs: Math.round(sampledUs / 1000),
    topFunctions: [...selfFn.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, n]) => {
        const [name, where] = k.split("\u0000");
        return { name: name!, where: where!, selfPercent: pct(n) };
      }),
    topModules: [...selfMod.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([module, n]) => ({ module, selfPercent: pct(n) })),
  };
}
