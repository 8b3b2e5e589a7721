/**
 * Data directory safety: the lock (a second node fails at once naming the first; a stale lock is
 * taken over) and the genesis flags record (a restart with other flags names them and the ways
 * out); `cairn dev` itself refusing a locked directory.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkGenesisFlags, lockDataDir, recordGenesisFlags } from "./data-dir.ts";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "cairn-devx-data-"));
  dirs.push(d);
  return d;
};
const children: ReturnType<typeof Bun.spawn>[] = [];
afterAll(() => {
  for (const c of children) c.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A live process that is not this one, to stand for another node. */
function otherProcess() {
  const child = Bun.spawn(["sleep", "60"]);
  children.push(child);
  return child;
}

describe("lockDataDir", () => {
  test("a second lock on the directory fails at once, naming the holder's pid and start time", () => {
    const dir = tempDir();
    const lock = lockDataDir(dir, new Date("2026-01-02T03:04:05.000Z"));
    lock.update({ url: "http://127.0.0.1:8080" });
    expect(() => lockDataDir(dir)).toThrow(
      `data directory ${dir} is in use by another cairn dev (pid ${process.pid}, started 2026-01-02T03:04:05.000Z, serving http://127.0.0.1:8080). Stop it, or run this one with --memory or another --data directory.`,
    );
    lock.release();
    expect(existsSync(join(dir, "cairn-dev.lock"))).toBe(false);
    lockDataDir(dir).release();
  });

  test("another live process's lock is respected; a dead process's lock is taken over", async () => {
    const dir = tempDir();
    const other = otherProcess();
    writeFileSync(join(dir, "cairn-dev.lock"), JSON.stringify({ pid: other.pid, startedAt: "2026-01-01T00:00:00.000Z" }));
    expect(() => lockDataDir(dir)).toThrow(`in use by another cairn dev (pid ${other.pid}, started 2026-01-01T00:00:00.000Z)`);
    other.kill();
    await other.exited;
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lock.path, "utf8")).pid).toBe(process.pid);
    lock.release();
  });
});

describe("genesis flags", () => {
  const flags = { seed: "cairn dev", accounts: 10, balance: 1_000_000, koinAddress: "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL" };

  test("the same flags pass; changed ones are named with the two ways out", () => {
    const dir = tempDir();
    checkGenesisFlags(dir, flags); // nothing recorded yet
    recordGenesisFlags(dir, flags, new Uint8Array([1, 2]));
    checkGenesisFlags(dir, flags);
    expect(() => checkGenesisFlags(dir, { ...flags, accounts: 5, seed: "other" })).toThrow(
      `data directory ${dir} holds another chain: its chain was created with --seed "cairn dev" (now "other"), --accounts 10 (now 5). Either run with --memory (a throwaway chain, nothing on disk), or give a fresh --data directory, or start with the original flags to resume that chain.`,
    );
  });
});

describe("cairn dev on a locked directory", () => {
  test("exits 1 at once with the message naming the other process", async () => {
    const dir = tempDir();
    const other = otherProcess();
    writeFileSync(join(dir, "cairn-dev.lock"), JSON.stringify({ pid: other.pid, startedAt: "2026-01-01T00:00:00.000Z", url: "http://127.0.0.1:8080" }));
    const started = performance.now();
    // Without the test run's DATABASE_URL / NATS_URL: `cairn dev` honours them and would then keep
    // its chain on that server, with no data directory to lock.
    const { DATABASE_URL: _db, NATS_URL: _nats, ...env } = process.env;
    const proc = Bun.spawn(["bun", join(import.meta.dir, "..", "main.ts"), "dev", "--data", dir, "--port", "0", "--grpc-port-base", "0"], { stdout: "pipe", stderr: "pipe", env });
    children.push(proc);
    const code = await proc.exited;
    const stderr = await new Response(proc.stderr).text();
    expect(code).toBe(1);
    expect(stderr).toContain(`cairn dev: could not start: data directory ${dir} is in use by another cairn dev (pid ${other.pid}, started 2026-01-01T00:00:00.000Z, serving http://127.0.0.1:8080)`);
    // No database was opened: the refusal comes before PGlite starts (seconds on a busy machine).
    expect(existsSync(join(dir, "pglite"))).toBe(false);
    expect(performance.now() - started).toBeLessThan(45_000);
  }, 60_000);
});
