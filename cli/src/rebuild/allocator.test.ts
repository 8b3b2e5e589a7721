/**
 * `cairn rebuild …` runs itself again with `MIMALLOC_PURGE_DELAY=-1` (main.ts `REBUILD_ENV`): the
 * rebuild that does the work has it in its environment, SIGTERM sent to the first process is passed
 * on and the exit code comes back, SIGINT (which a terminal sends to the whole group) is not passed
 * on, and a caller's own value of the variable wins (no second process). Linux: the processes are
 * found in /proc.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { waitUntil } from "@cairn/test-utils";

const MAIN = join(import.meta.dir, "..", "main.ts");
/** A rebuild that waits for a NATS server nobody runs (it stays in its connect wait until stopped). */
const WAITING = ["rebuild", "block-store", "--database-url", "postgres://127.0.0.1:1/none", "--nats-url", "nats://127.0.0.1:1", "--service-address", "127.0.0.1:1", "--force"];

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const environ = (pid: number) => readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");

function start(env: Record<string, string | undefined> = {}) {
  const { MIMALLOC_PURGE_DELAY: _, ...rest } = process.env;
  return Bun.spawn(["bun", MAIN, ...WAITING], { env: { ...rest, ...env }, stdout: "pipe", stderr: "pipe" });
}

describe.skipIf(process.platform !== "linux")("cairn rebuild: the allocator keeps freed memory", () => {
  test("the rebuild runs in a second process with MIMALLOC_PURGE_DELAY=-1; SIGTERM to the first is passed on and its exit code comes back", async () => {
    const proc = start();
    let child = 0;
    await waitUntil(() => (child = childrenOf(proc.pid)[0] ?? 0) !== 0, 20_000, "the rebuild's own process");
    expect(environ(child)).toContain("MIMALLOC_PURGE_DELAY=-1");
    expect(environ(proc.pid)).not.toContain("MIMALLOC_PURGE_DELAY=-1");
    // Past start-up (the signal handlers are in place) once it waits for NATS.
    await Bun.sleep(1_500);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(130);
    expect(await new Response(proc.stderr).text()).toContain("cairn rebuild block-store: interrupted");
  }, 60_000);

  test("SIGINT to the group (a terminal's Ctrl-C) reaches the rebuild once: it stops cleanly", async () => {
    const proc = start();
    let child = 0;
    await waitUntil(() => (child = childrenOf(proc.pid)[0] ?? 0) !== 0, 20_000, "the rebuild's own process");
    await Bun.sleep(1_500);
    // What the terminal does: both processes get it; the first does not pass it on.
    proc.kill("SIGINT");
    await Bun.sleep(300);
    expect(childrenOf(proc.pid)).toEqual([child]);
    process.kill(child, "SIGINT");
    expect(await proc.exited).toBe(130);
    expect(await new Response(proc.stderr).text()).toContain("cairn rebuild block-store: interrupted");
  }, 60_000);

  test("a caller's own MIMALLOC_PURGE_DELAY wins: the rebuild runs in the first process", async () => {
    const proc = start({ MIMALLOC_PURGE_DELAY: "10" });
    await Bun.sleep(2_000);
    expect(childrenOf(proc.pid)).toEqual([]);
    expect(environ(proc.pid)).toContain("MIMALLOC_PURGE_DELAY=10");
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(130);
  }, 60_000);
});
