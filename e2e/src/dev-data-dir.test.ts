/**
 * `cairn dev --data` safety with real nodes: while one node runs on a directory a second one is
 * refused at once with a message naming the first (pid, start time, URL) and the ways out; after
 * the first stops the directory resumes; other genesis flags on it are refused naming them.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@cairn/core";
import { type DevNode, devOptionsSchema, startDevNode } from "@cairn/cli";

const dir = mkdtempSync(join(tmpdir(), "cairn-dev-lock-"));
const nodes: DevNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("a second node on a locked directory fails naming the first; restart resumes; other flags are named", async () => {
  const opts = devOptionsSchema.parse({ data: dir, port: 0, grpcPortBase: 0 });
  const first = await startDevNode(opts, silentLogger());
  nodes.push(first);
  const lock = JSON.parse(readFileSync(join(dir, "cairn-dev.lock"), "utf8"));
  expect(lock).toEqual({ pid: process.pid, startedAt: expect.any(String), url: first.url });

  const started = performance.now();
  const refused = await startDevNode(opts, silentLogger()).then(
    () => undefined,
    (e: Error & { code?: string }) => e,
  );
  expect(refused?.code).toBe("dev.data_dir_locked");
  expect(refused?.message).toBe(
    `data directory ${dir} is in use by another cairn dev (pid ${process.pid}, started ${lock.startedAt}, serving ${first.url}). Stop it, or run this one with --memory or another --data directory. (If no such process is running, delete ${join(dir, "cairn-dev.lock")}.)`,
  );
  expect(performance.now() - started).toBeLessThan(1_000);

  await nodes.pop()!.stop();
  expect(existsSync(join(dir, "cairn-dev.lock"))).toBe(false);
  const again = await startDevNode(opts, silentLogger());
  nodes.push(again);
  expect(again.chainId).toEqual(first.chainId);
  await nodes.pop()!.stop();

  const changed = await startDevNode({ ...opts, accounts: 3 }, silentLogger()).then(
    () => undefined,
    (e: Error & { code?: string }) => e,
  );
  expect(changed?.code).toBe("dev.genesis_mismatch");
  expect(changed?.message).toContain("its chain was created with --accounts 10 (now 3). Either run with --memory");
}, 300_000);
