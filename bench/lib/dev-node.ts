/**
 * The one-process dev node started as a user starts it (`bun run dev` is `bun cli/src/main.ts dev`):
 * a child process on a free JSON-RPC port and ephemeral gRPC ports, its default store unless told
 * otherwise, stopped with SIGTERM (as Ctrl-C) when the benchmark ends. Its RSS is the child's own,
 * never the load generator's.
 */
import { openSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { onCleanup, spawnChild, stopChild } from "./children.ts";
import { freePort, rpc, rssMb } from "./util.ts";

export const ROOT = resolve(import.meta.dir, "../..");

export interface DevProcess {
  url: string;
  pid: number;
  proc: Subprocess;
  /** ms from spawn to the first JSON-RPC answer. */
  readyMs: number;
  rssMb(): number | undefined;
  /** SIGTERM (the node's own clean stop), SIGKILL if it takes over 30 s. */
  stop(): Promise<void>;
}

export interface DevProcessOptions {
  /** `--data DIR` (keeps the chain); default none, the dev node's default store. */
  data?: string;
  /** Funded dev accounts. */
  accounts?: number;
  /** Extra `cairn dev` flags (`--mode manual`, …). */
  args?: string[];
  /** Flags for bun itself before the script (`--cpu-prof`, …). */
  bunArgs?: string[];
  /** Where the node's stdout/stderr go (a file); default discarded. */
  log?: string;
  /** Extra environment. */
  env?: Record<string, string>;
  /** How long to wait for the first answer, ms (default 180 s: a busy machine). */
  readyTimeoutMs?: number;
}

/** Starts `cairn dev` and resolves once `chain.get_head_info` answers (timed from the spawn). */
export async function startDevProcess(o: DevProcessOptions = {}): Promise<DevProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ["--port", String(port), "--grpc-port-base", "0", "--console", "off", "--log-level", "error", "--accounts", String(o.accounts ?? 10)];
  if (o.data !== undefined) args.push("--data", o.data);
  const out = o.log ? openSync(o.log, "a") : "ignore";
  // No DATABASE_URL / NATS_URL from the bench's environment: the node's default store and bus.
  // `cairn dev` takes DATABASE_URL / NATS_URL from the environment: the node under test keeps its own default store.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "DATABASE_URL" && k !== "NATS_URL"));
  const env: Record<string, string | undefined> = { ...inherited, ...o.env };
  const t0 = performance.now();
  const proc = spawnChild(["bun", ...(o.bunArgs ?? []), join(ROOT, "cli/src/main.ts"), "dev", ...args, ...(o.args ?? [])], { cwd: ROOT, env: env as Record<string, string>, stdout: out, stderr: out });
  const stop = onCleanup(`dev node ${port}`, () => stopChild(proc, 30_000));
  try {
    const deadline = t0 + (o.readyTimeoutMs ?? 180_000);
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`cairn dev exited (${proc.exitCode ?? proc.signalCode}) before answering${o.log ? `; see ${o.log}` : ""}`);
      if (await rpc(url, "chain.get_head_info", {}, 2_000).then(() => true, () => false)) break;
      if (performance.now() > deadline) throw new Error(`cairn dev on ${url}: no answer within ${Math.round((deadline - t0) / 1000)} s`);
      await Bun.sleep(10);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const readyMs = performance.now() - t0;
  return { url, pid: proc.pid, proc, readyMs, rssMb: () => rssMb(proc.pid), stop };
}
