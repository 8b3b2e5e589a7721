#!/usr/bin/env bun
/**
 * Where the dev node's time goes under the transfer load: the node started with
 * `bun --cpu-prof` (a child process, default store), the same ordered-senders transfer run as
 * transfers.bench.ts for about 20 s, the node stopped with SIGTERM so it writes its profile, and
 * the samples inside the measured window summarised by function and by module (self time).
 * The figures of a profiled run are not the benchmark's (profiling slows the node).
 *
 *   bun bench/profile.bench.ts [--quick] [--seconds 20] [--keep DIR] [--out FILE]
 */
import { mkdtempSync, readdirSync, rmSync, copyFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { onCleanup, runBench } from "./lib/children.ts";
import { summarizeProfile } from "./lib/cpu-profile.ts";
import { ROOT, startDevProcess } from "./lib/dev-node.ts";
import { defaultShape, runKoinosTransfers } from "./lib/transfer-run.ts";
import { Report } from "./lib/result.ts";
import { QUICK, flag, numberFlag, round, say } from "./lib/util.ts";

const SECONDS = numberFlag("seconds", QUICK ? 3 : 20);
const report = new Report("profile", "CPU profile of the dev node under the transfer load");

await runBench(async () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-bench-profile-"));
  onCleanup("profile dir", () => rmSync(dir, { recursive: true, force: true }));
  const shape = { ...defaultShape(), seconds: SECONDS, minTransfers: 0, deadlineSeconds: SECONDS + 5 };
  const spawned = performance.now();
  const node = await startDevProcess({ accounts: shape.senders + 1, bunArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-name=node.cpuprofile"], log: join(dir, "node.log") });
  const from = performance.now() - spawned;
  const r = await runKoinosTransfers(node.url, shape, { history: false });
  const to = performance.now() - spawned;
  await node.stop();
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (file === undefined) throw new Error(`no .cpuprofile written in ${dir} (see node.log there)`);
  // The window: from the first JSON-RPC answer to the last transfer counted (warm-up included).
  const summary = summarizeProfile(join(dir, file), ROOT, from, to);
  const keep = flag("keep");
  if (keep !== undefined) {
    mkdirSync(resolve(keep), { recursive: true });
    copyFileSync(join(dir, file), join(resolve(keep), "dev-node-transfers.cpuprofile"));
    say(`profile kept in ${resolve(keep)}/dev-node-transfers.cpuprofile`);
  }
  Object.assign(report.data, { run: r, window_ms: [round(from), round(to)], summary });
  report.add({ id: "profile.transfers_per_second", label: "transfers/s while profiling (not a benchmark figure)", value: r.transfers_per_second, unit: "transfers/s" });
  for (const m of summary.topModules.slice(0, 8)) say(`  ${String(m.selfPercent).padStart(5)}%  ${m.module}`);
  for (const f of summary.topFunctions.slice(0, 10)) say(`  ${String(f.selfPercent).padStart(5)}%  ${f.name}  ${f.where}`);
  await report.write();
});
