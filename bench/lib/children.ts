/**
 * Child processes and clean-ups of one benchmark run, undone on every way out: a normal end,
 * an exception, SIGINT/SIGTERM/SIGHUP. Children are spawned in their own process group and the
 * whole group is killed (SIGTERM, then SIGKILL after a grace period), so nothing a benchmark
 * started — a node, anvil, a cluster service — outlives it. Clean-ups (a database to drop, a
 * directory to remove) run last, in reverse order of registration.
 */
import { type Subprocess } from "bun";

type Cleanup = () => Promise<unknown> | unknown;
const cleanups: { name: string; run: Cleanup }[] = [];
const live = new Set<Subprocess>();
let installed = false;
let cleaning: Promise<void> | undefined;

/** Registers `run` to happen when the benchmark ends, however it ends. Returns a function that runs it now (once). */
export function onCleanup(name: string, run: Cleanup): () => Promise<void> {
  install();
  const entry = { name, run };
  cleanups.push(entry);
  return async () => {
    const i = cleanups.indexOf(entry);
    if (i < 0) return;
    cleanups.splice(i, 1);
    await Promise.resolve(entry.run()).catch((e) => console.error(`[bench] clean-up ${name} failed: ${(e as Error).message}`));
  };
}

/** Spawns a tracked child in its own process group (so its own children die with it). */
export function spawnChild(cmd: string[], options: Parameters<typeof Bun.spawn>[1] = {}): Subprocess {
  install();
  const proc = Bun.spawn(cmd, { stdin: "ignore", ...options, detached: true } as Parameters<typeof Bun.spawn>[1]);
  live.add(proc);
  void proc.exited.then(() => live.delete(proc));
  return proc;
}

/** Stops a child and its process group: SIGTERM, SIGKILL after `graceMs`. */
export async function stopChild(proc: Subprocess, graceMs = 10_000): Promise<void> {
  if (proc.exitCode === null && proc.signalCode === null) {
    signalGroup(proc, "SIGTERM");
    const killer = setTimeout(() => signalGroup(proc, "SIGKILL"), graceMs);
    await proc.exited;
    clearTimeout(killer);
  }
  // Whatever of its group is left (a grandchild that ignored SIGTERM).
  signalGroup(proc, "SIGKILL");
  live.delete(proc);
}

function signalGroup(proc: Subprocess, signal: NodeJS.Signals): void {
  try {
    process.kill(-proc.pid, signal);
  } catch {
    try {
      proc.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Whether the run is being stopped (a signal came, or clean-up began): start nothing new. */
export function stopping(): boolean {
  return cleaning !== undefined;
}

/** Stops every tracked child, then runs the clean-ups (last registered first). Idempotent. */
export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...live].map((p) => stopChild(p, 5_000)));
    while (cleanups.length > 0) {
      const { name, run } = cleanups.pop()!;
      await Promise.resolve()
        .then(run)
        .catch((e) => console.error(`[bench] clean-up ${name} failed: ${(e as Error).message}`));
    }
  })();
  return cleaning;
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      console.error(`[bench] ${signal}: stopping children and cleaning up`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
  // Last resort on a synchronous exit: no awaiting, but no child is left behind.
  process.on("exit", () => {
    for (const p of live) signalGroup(p, "SIGKILL");
  });
}

/** Runs `main`, then cleans up whether it threw or not, and exits with 0 or 1. */
export async function runBench(main: () => Promise<void>): Promise<never> {
  install();
  let code = 0;
  try {
    await main();
  } catch (e) {
    console.error(`[bench] failed: ${(e as Error)?.stack ?? String(e)}`);
    code = 1;
  }
  await cleanupAll();
  process.exit(code);
}
