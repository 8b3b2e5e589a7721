#!/usr/bin/env bun
/**
 * Where the cluster's time goes under the transfer load: the multi-process cluster
 * (scripts/lib/cluster.ts, its own database, stream and prefix) under the same ordered-senders
 * transfer run as transfers.bench.ts for about 20 s, with the CPU time of every process read from
 * /proc over the measured window — each service, this run's Postgres backends, the NATS server
 * (shared: other users' load counts too) and the load generator — as a share of one core and as
 * CPU ms per transfer. With `--cpu-prof`, every service also runs under `bun --cpu-prof` and its
 * profile is summarised by module and function (self time). The figures of this run are not the
 * benchmark's (a shorter run, profiling slows the services).
 *
 *   bun bench/cluster-profile.bench.ts [--quick] [--seconds 20] [--cpu-prof] [--keep DIR] [--out FILE]
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { onCleanup, runBench } from "./lib/children.ts";
import { summarizeProfile } from "./lib/cpu-profile.ts";
import { ROOT } from "./lib/dev-node.ts";
import { freePortRun } from "./lib/ports.ts";
import { Report } from "./lib/result.ts";
import { defaultShape, runKoinosTransfers } from "./lib/transfer-run.ts";
import { QUICK, flag, hasFlag, numberFlag, round, say } from "./lib/util.ts";

const SECONDS = numberFlag("seconds", QUICK ? 3 : 20);
const PROFILE = hasFlag("cpu-prof");
const report = new Report("cluster_profile", "Per-process CPU of the cluster under the transfer load");
const TICKS_PER_SECOND = 100;

/** utime + stime of `pid` in clock ticks, or undefined when it is gone. */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Every process whose command line contains `needle`, by pid. */
function pidsMatching(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").includes(needle)) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU ticks per group at this moment (a group's processes summed). */
function snapshot(groups: Record<string, () => number[]>): Map<string, Map<number, number>> {
  const snap = new Map<string, Map<number, number>>();
  for (const [name, pids] of Object.entries(groups)) {
    const m = new Map<number, number>();
    for (const pid of pids()) {
      const t = cpuTicks(pid);
      if (t !== undefined) m.set(pid, t);
    }
    snap.set(name, m);
  }
  return snap;
}

/** CPU seconds per group between two snapshots (a process started in between counts from 0). */
function cpuSeconds(a: Map<string, Map<number, number>>, b: Map<string, Map<number, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, after] of b) {
    let ticks = 0;
    for (const [pid, t] of after) ticks += t - (a.get(name)?.get(pid) ?? 0);
    out[name] = ticks / TICKS_PER_SECOND;
  }
  return out;
}

/** gRPC calls each service answered, by method and status, from its /metrics. */
async function grpcCalls(metricsUrls: Record<string, string>): Promise<{ service: string; method: string; code: string; calls: number; mean_ms?: number }[]> {
  const out: { service: string; method: string; code: string; calls: number; mean_ms?: number }[] = [];
  for (const [service, url] of Object.entries(metricsUrls)) {
    const text = await fetch(url).then((r) => r.text(), () => "");
    // The duration histogram is by method only: its mean covers every status.
    const mean = new Map<string, { sum: number; count: number }>();
    for (const line of text.split("\n")) {
      const d = /^cairn_grpc_server_request_duration_seconds_(sum|count)\{.*method="([^"]*)".*\} (\S+)/.exec(line);
      if (!d) continue;
      const m = mean.get(d[2]!) ?? { sum: 0, count: 0 };
      m[d[1] as "sum" | "count"] = Number(d[3]);
      mean.set(d[2]!, m);
    }
    for (const line of text.split("\n")) {
      const m = /^cairn_grpc_server_requests_total\{(.*)\} (\d+)/.exec(line);
      if (!m) continue;
      const label = (k: string) => new RegExp(`${k}="([^"]*)"`).exec(m[1]!)?.[1] ?? "";
      const method = label("method");
      const d = mean.get(method);
      out.push({ service, method, code: label("code"), calls: Number(m[2]), mean_ms: d && d.count > 0 ? round((d.sum * 1000) / d.count, 2) : undefined });
    }
  }
  return out.sort((a, b) => b.calls - a.calls);
}

await runBench(async () => {
  const { startCluster } = await import("../scripts/lib/cluster.ts");
  const dir = mkdtempSync(join(tmpdir(), "cairn-bench-cluster-profile-"));
  onCleanup("profile dir", () => rmSync(dir, { recursive: true, force: true }));
  const shape = { ...defaultShape(), seconds: SECONDS, minTransfers: 0, deadlineSeconds: SECONDS + 5 };
  process.env.CAIRN_CHAIN_DEV_ACCOUNTS = String(shape.senders + 1);
  const [httpPort, grpcPortBase, metricsPortBase] = [await freePortRun(2), await freePortRun(6), await freePortRun(6)];
  const runId = `prof${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const profDir = (name: string) => join(dir, name);
  const bunArgs = PROFILE ? (name: string) => [`--cpu-prof`, `--cpu-prof-dir=${profDir(name)}`, `--cpu-prof-name=${name}.cpuprofile`] : undefined;
  const c = await startCluster({ runId, httpPort, grpcPortBase, metricsPortBase, logs: dir, logLevel: "warn", mode: "instant", bunArgs, say: (m) => say(`cluster: ${m}`) });
  const stopCluster = onCleanup("cluster", () => c.stop());

  const groups: Record<string, () => number[]> = {};
  for (const [name, s] of c.services) groups[name] = () => [s.pid()];
  groups.postgres = () => pidsMatching(`cairn_cluster_${runId}`).filter((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").startsWith("postgres"));
  groups["nats-server (shared)"] = () => pidsMatching("nats-server");
  groups["load generator"] = () => [process.pid];

  const started = performance.now();
  const before = snapshot(groups);
  const r = await runKoinosTransfers(c.gatewayUrls[0]!, shape, { history: true });
  const after = snapshot(groups);
  const wallS = (performance.now() - started) / 1000;
  const calls = await grpcCalls(c.metricsUrls);
  await stopCluster();

  // The window covers warm-up, signing (the load generator only) and the measured run.
  const warmupTransfers = shape.senders * shape.warmupPerSender;
  const transfers = r.transfers + warmupTransfers;
  const cpu = cpuSeconds(before, after);
  const rows = Object.entries(cpu)
    .map(([name, s]) => ({ name, cpu_s: round(s, 2), core_percent: round((s / wallS) * 100, 1), ms_per_transfer: round((s * 1000) / transfers, 3) }))
    .sort((a, b) => b.cpu_s - a.cpu_s);
  const cluster = rows.filter((x) => x.name !== "load generator" && !x.name.startsWith("nats"));
  const clusterMs = cluster.reduce((n, x) => n + x.ms_per_transfer, 0);
  say(`${transfers} transfers (${warmupTransfers} warm-up) in ${round(wallS, 1)} s; measured run ${r.transfers_per_second} transfers/s, p50 ${r.submit_latency.p50_ms} ms, p99 ${r.submit_latency.p99_ms} ms`);
  for (const x of rows) say(`  ${x.name.padEnd(22)} ${String(x.cpu_s).padStart(7)} s  ${String(x.core_percent).padStart(6)}% of a core  ${String(x.ms_per_transfer).padStart(7)} ms/transfer`);
  say(`  services + Postgres: ${round(clusterMs, 3)} ms CPU per transfer`);
  for (const x of calls.slice(0, 12)) say(`  gRPC ${x.service} ${x.method} ${x.code}: ${x.calls} calls, ${round(x.calls / transfers, 3)} per transfer; mean duration of the method (every status) ${x.mean_ms} ms`);

  const profiles: Record<string, ReturnType<typeof summarizeProfile>> = {};
  if (PROFILE) {
    const keep = flag("keep");
    for (const name of c.services.keys()) {
      const file = join(profDir(name), `${name}.cpuprofile`);
      if (!existsSync(file)) {
        say(`${name}: no profile written`);
        continue;
      }
      profiles[name] = summarizeProfile(file, ROOT, 0, Number.POSITIVE_INFINITY, 25);
      say(`${name} (${profiles[name]!.sampledMs} ms sampled):`);
      for (const m of profiles[name]!.topModules.slice(0, 6)) say(`    ${String(m.selfPercent).padStart(5)}%  ${m.module}`);
      for (const f of profiles[name]!.topFunctions.slice(0, 8)) say(`    ${String(f.selfPercent).padStart(5)}%  ${f.name}  ${f.where}`);
      if (keep !== undefined) {
        mkdirSync(resolve(keep), { recursive: true });
        copyFileSync(file, join(resolve(keep), `${name}.cpuprofile`));
      }
    }
  }
  Object.assign(report.data, { run: r, wall_s: round(wallS, 1), transfers, cpu: rows, grpc_calls: calls, profiles });
  report.add({ id: "cluster_profile.transfers_per_second", label: "transfers/s of the short run (not a benchmark figure)", value: r.transfers_per_second, unit: "transfers/s" });
  report.add({ id: "cluster_profile.cpu_ms_per_transfer", label: "services + Postgres CPU per transfer", value: round(clusterMs, 3), unit: "ms" });
  for (const x of rows) report.add({ id: `cluster_profile.cpu.${x.name.replace(/\W+/g, "_")}`, label: `${x.name}: CPU per transfer`, value: x.ms_per_transfer, unit: "ms" });
  await report.write();
});
