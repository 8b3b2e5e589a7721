#!/usr/bin/env bun
/**
 * Start time (architecture §9: ≤ 2 s): ms from spawning `bun cli/src/main.ts dev` (what `bun run dev`
 * runs) to its first JSON-RPC answer (`chain.get_head_info`), on
 *   - the default store (no --data),
 *   - a fresh data dir (`--data <empty dir>`),
 *   - a data dir holding 100,000 blocks (target blocks; `--quick`: 200).
 * The 100,000-block dir is built through the node itself (`dev.mine_blocks`, empty blocks), so it
 * is in whatever format the node writes; it is kept under bench/.cache/ keyed by the git trees of
 * cli/, services/ and packages/ (a code change builds it again) and reused while complete.
 * Building stops at a time limit (`--build-seconds`, default 240): a dir not full by then is
 * measured at the height reached, and the report says so.
 *
 *   bun bench/start.bench.ts [--quick] [--runs 3] [--blocks 100000] [--build-seconds 240] [--out FILE]
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onCleanup, runBench } from "./lib/children.ts";
import { ROOT, startDevProcess } from "./lib/dev-node.ts";
import { headHeight } from "./lib/koinos.ts";
import { Report } from "./lib/result.ts";
import { QUICK, numberFlag, round, rpc, say } from "./lib/util.ts";

const RUNS = numberFlag("runs", QUICK ? 1 : 3);
const BLOCKS = numberFlag("blocks", QUICK ? 200 : 100_000);
const BUILD_SECONDS = numberFlag("build-seconds", QUICK ? 60 : 240);
const report = new Report("start", "Start time of `bun run dev`");
const src = "architecture §9";
const scratch = mkdtempSync(join(tmpdir(), "cairn-bench-start-"));
onCleanup("start scratch dir", () => rmSync(scratch, { recursive: true, force: true }));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Starts the node `runs` times with `data()` as its --data (undefined: default store); ms to first answer each time. */
async function startTimes(label: string, data: () => string | undefined): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = data();
    const node = await startDevProcess({ data: dir, log: join(scratch, "node.log") });
    times.push(round(node.readyMs));
    say(`${label}: first answer after ${round(node.readyMs)} ms (head ${await headHeight(node.url)})`);
    await node.stop();
  }
  return times;
}

/** Key of the node's code: git tree hashes of cli/, services/, packages/ at HEAD, plus whether the work tree differs. */
function codeKey(): string {
  const trees = Bun.spawnSync(["git", "rev-parse", "HEAD:cli", "HEAD:services", "HEAD:packages"], { cwd: ROOT }).stdout.toString().trim().split("\n");
  const dirty = Bun.spawnSync(["git", "status", "--porcelain", "cli", "services", "packages"], { cwd: ROOT }).stdout.toString().trim() !== "";
  return `${new Bun.CryptoHasher("sha256").update(trees.join(",")).digest("hex").slice(0, 16)}${dirty ? "-dirty" : ""}`;
}

/** A data dir holding `BLOCKS` blocks (or as many as the time limit allowed): from the cache, or built now. */
async function chainDir(): Promise<{ dir: string; height: number; cached: boolean; buildSeconds?: number; blocksPerSecond?: number }> {
  const cacheRoot = join(ROOT, "bench/.cache");
  const key = codeKey();
  const dir = join(cacheRoot, `start-${BLOCKS}-${key}`);
  const doneFile = join(dir, "bench-complete.json");
  if (!key.endsWith("-dirty") && existsSync(doneFile)) {
    const done = JSON.parse(readFileSync(doneFile, "utf8")) as { height: number };
    say(`using the cached ${done.height}-block data dir ${dir}`);
    return { dir, height: done.height, cached: true };
  }
  // Old caches (another code key) are of no use any more.
  rmSync(cacheRoot, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const node = await startDevProcess({ data: dir, args: ["--mode", "manual"], log: join(scratch, "build.log") });
  const t0 = performance.now();
  let height = await headHeight(node.url);
  let chunk = 100;
  say(`building a ${BLOCKS}-block data dir (dev.mine_blocks, at most ${BUILD_SECONDS} s)`);
  let lastSay = 0;
  while (height < BLOCKS && performance.now() - t0 < BUILD_SECONDS * 1000) {
    const n = Math.min(chunk, BLOCKS - height, 10_000);
    const c0 = performance.now();
    await rpc(node.url, "dev.mine_blocks", { count: String(n) }, 120_000);
    const ms = performance.now() - c0;
    height = await headHeight(node.url);
    // About 5 s a call (the gateway's deadline is 30 s).
    chunk = Math.max(10, Math.min(10_000, Math.round((n * 5000) / Math.max(ms, 1))));
    if (performance.now() - lastSay > 10_000) {
      lastSay = performance.now();
      say(`… ${height} blocks (${round((height / (performance.now() - t0)) * 1000)} blocks/s)`);
    }
  }
  const buildSeconds = (performance.now() - t0) / 1000;
  await node.stop();
  if (height >= BLOCKS && !key.endsWith("-dirty")) writeFileSync(doneFile, JSON.stringify({ height, built_in_s: round(buildSeconds, 1) }));
  if (key.endsWith("-dirty")) onCleanup("uncached data dir", () => rmSync(dir, { recursive: true, force: true }));
  return { dir, height, cached: false, buildSeconds: round(buildSeconds, 1), blocksPerSecond: round(height / buildSeconds) };
}

await runBench(async () => {
  const memory = await startTimes("default store", () => undefined);
  let n = 0;
  const fresh = await startTimes("fresh data dir", () => join(scratch, `fresh-${n++}`));
  const chain = await chainDir();
  const full = await startTimes(`data dir with ${chain.height} blocks`, () => chain.dir);
  Object.assign(report.data, { runs: RUNS, default_store_ms: memory, fresh_data_dir_ms: fresh, chain_dir: { ...chain, start_ms: full } });
  report.add({ id: "start.default_ms", label: "start, default store (no --data)", value: median(memory), unit: "ms", target: { op: "<=", value: 2_000, source: src } });
  report.add({ id: "start.fresh_ms", label: "start, fresh data dir", value: median(fresh), unit: "ms", target: { op: "<=", value: 2_000, source: src } });
  report.add({ id: "start.chain_ms", label: `start, data dir with ${chain.height.toLocaleString("en-US")} blocks`, value: median(full), unit: "ms", target: { op: "<=", value: 2_000, source: src } });
  if (chain.blocksPerSecond !== undefined) report.add({ id: "start.build_blocks_per_second", label: "building the data dir: dev.mine_blocks", value: chain.blocksPerSecond, unit: "blocks/s" });
  if (chain.height < BLOCKS) report.note(`start on ${BLOCKS.toLocaleString("en-US")} blocks NOT MEASURED: building the data dir with dev.mine_blocks reached ${chain.height} blocks in the ${BUILD_SECONDS} s limit; the start figure is for ${chain.height} blocks`);
  report.note(`median of ${RUNS} start(s) each; spawned as \`bun cli/src/main.ts dev --port P --grpc-port-base 0 --console off\` (what \`bun run dev\` runs, without bun run's own few ms), polled every 10 ms`);
  await report.write();
});
