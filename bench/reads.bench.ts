#!/usr/bin/env bun
/**
 * Reads through the gateway under concurrent load (architecture §9), next to a bare `Bun.serve` in the
 * same run: the dev node (a child process, default store) on a mainnet-like chain — `--blocks N`
 * blocks (default 1,000) of exactly 10 transfers each, made in manual production mode — and the
 * load from this process (`--concurrency` keep-alive requests in flight). The bare server is
 * another child answering each method with the very bytes the gateway answered, so the two differ
 * only by what the node does. Rounds alternate bare and gateway; medians are reported.
 *   - chain.get_head_info: ≥ 50% of bare;
 *   - block_store.get_blocks_by_height, 10 blocks with blocks and receipts (start heights rotate
 *     over the chain): ≥ 3,000 req/s;
 *   - account_history.get_account_history, pages of 50 (rotating over 100 accounts): ≥ 2,000 req/s.
 * Then, unless `--no-heavy`, the same block range read on a second node whose chain is a few
 * huge blocks (6,000 transfers submitted at once, as instant mode packs them): reported, no target.
 * Answer sizes are reported in bytes.
 *
 * `--cpu-prof DIR` runs the mainnet-like node under `bun --cpu-prof`, keeps its `.cpuprofile` in DIR
 * and prints self time by module and function over each method's gateway measurements.
 *
 *   bun bench/reads.bench.ts [--quick] [--blocks 1000] [--no-heavy] [--seconds 8] [--rounds 3] [--concurrency 64] [--cpu-prof DIR] [--out FILE]
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { summarizeProfile } from "./lib/cpu-profile.ts";
import { onCleanup, runBench, spawnChild, stopChild } from "./lib/children.ts";
import { type DevProcess, ROOT, startDevProcess } from "./lib/dev-node.ts";
import { type Account, chainIdOf, devAccount, headHeight, historyLength, signTransfers } from "./lib/koinos.ts";
import { type ReadResult, readLoad, submitOrdered } from "./lib/load.ts";
import { Report } from "./lib/result.ts";
import { QUICK, flag, hasFlag, numberFlag, round, rpc, say } from "./lib/util.ts";

const SECONDS = numberFlag("seconds", QUICK ? 1 : 8);
const ROUNDS = numberFlag("rounds", QUICK ? 1 : 3);
const CONCURRENCY = numberFlag("concurrency", 64);
/** Mainnet-like chain: blocks of exactly this many transfers. */
const PER_BLOCK = 10;
const SENDERS = 100;
const BLOCKS = Math.max(PER_BLOCK, Math.ceil(numberFlag("blocks", QUICK ? 100 : 1_000) / PER_BLOCK) * PER_BLOCK);
const HEAVY = !hasFlag("no-heavy");
const HEAVY_PER_SENDER = QUICK ? 3 : 60;
const PROFILE_DIR = flag("cpu-prof");
const report = new Report("reads", "Reads through the gateway vs bare Bun.serve");
const src = "architecture §9";
const scratch = mkdtempSync(join(tmpdir(), "cairn-bench-reads-"));
onCleanup("reads scratch dir", () => rmSync(scratch, { recursive: true, force: true }));
/** The median (of an even count: the mean of the middle two, not the better one). */
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

type Method = [string, () => string, (t: string) => boolean];

/** `blocks` blocks of exactly `PER_BLOCK` transfers each, made in manual mode (submit 10, mine 1). */
async function fillMainnetLike(node: DevProcess, senders: Account[], to: Account): Promise<void> {
  const perSender = (BLOCKS * PER_BLOCK) / SENDERS;
  const signed = signTransfers(await chainIdOf(node.url), senders, to, senders.map(() => 1n), perSender);
  const start = await headHeight(node.url);
  const t0 = performance.now();
  for (let b = 0; b < BLOCKS; b++) {
    // Block b: 10 senders in turn, each with its next transfer (nonces stay in order per sender).
    const group = b % (SENDERS / PER_BLOCK);
    const k = Math.floor(b / (SENDERS / PER_BLOCK));
    const bodies = Array.from({ length: PER_BLOCK }, (_, i) => [signed.bodies[group * PER_BLOCK + i]![k]!]);
    await submitOrdered(node.url, bodies);
    await rpc(node.url, "dev.mine_blocks", { count: "1" }, 120_000);
    if ((b + 1) % 200 === 0) say(`  ${b + 1} / ${BLOCKS} blocks (${round((performance.now() - t0) / 1000, 1)} s)`);
  }
  const height = await headHeight(node.url);
  if (height !== start + BLOCKS) throw new Error(`expected ${BLOCKS} new blocks, head went from ${start} to ${height}`);
  // Every block holds exactly PER_BLOCK transactions (spot check on a few).
  for (const h of [start + 1, start + Math.floor(BLOCKS / 2), start + BLOCKS]) {
    const r = await rpc<{ block_items: { block: { transactions?: unknown[] } }[] }>(node.url, "block_store.get_blocks_by_height", { head_block_id: (await rpc<{ head_topology: { id: string } }>(node.url, "chain.get_head_info")).head_topology.id, ancestor_start_height: String(h), num_blocks: 1, return_block: true, return_receipt: false });
    const n = r.block_items[0]?.block.transactions?.length ?? 0;
    if (n !== PER_BLOCK) throw new Error(`block ${h} holds ${n} transactions, not ${PER_BLOCK}`);
  }
}

/** The old fill: every transfer submitted at once in instant mode, so blocks hold hundreds each. */
async function fillHeavy(node: DevProcess, senders: Account[], to: Account): Promise<void> {
  const before = await historyLength(node.url, to);
  const signed = signTransfers(await chainIdOf(node.url), senders, to, senders.map(() => 1n), HEAVY_PER_SENDER);
  await submitOrdered(node.url, signed.bodies);
  const total = SENDERS * HEAVY_PER_SENDER;
  for (let i = 0; (await historyLength(node.url, to)) < before + total; i++) {
    if (i > 6000) throw new Error("transfers not in account history after 120 s");
    await Bun.sleep(20);
  }
  // At least 30 blocks, so every 10-block range exists (empty blocks on top when the transfers made fewer).
  if ((await headHeight(node.url)) < 30) await rpc(node.url, "dev.mine_blocks", { count: String(30 - (await headHeight(node.url))) }, 120_000);
}

function blocksMethod(height: number, headId: string): Method {
  let b = 0;
  const body = () => {
    const start = 1 + (b++ % Math.max(1, height - 10));
    return JSON.stringify({ jsonrpc: "2.0", id: 1, method: "block_store.get_blocks_by_height", params: { head_block_id: headId, ancestor_start_height: String(start), num_blocks: 10, return_block: true, return_receipt: true } });
  };
  return ["block_store.get_blocks_by_height", body, (t) => (t.match(/"receipt"/g) ?? []).length === 10];
}

/** Starts the bare server answering each method with the gateway's bytes (a mid-chain block range, a full page). */
async function bareFor(node: DevProcess, methods: Method[], name: string): Promise<{ url: string; sizes: Record<string, number>; stop: () => Promise<void> }> {
  const answers: Record<string, string> = {};
  const sizes: Record<string, number> = {};
  for (const [method, body] of methods) {
    const text = await (await fetch(node.url, { method: "POST", body: body() })).text();
    answers[method] = text;
    sizes[method] = Buffer.byteLength(text);
  }
  const answersFile = join(scratch, `answers-${name}.json`);
  writeFileSync(answersFile, JSON.stringify(answers));
  const bare = spawnChild(["bun", join(import.meta.dir, "lib/bare-server.ts"), answersFile], { stdout: "pipe", stderr: "inherit" });
  const stop = onCleanup(`bare server ${name}`, () => stopChild(bare));
  const first = await (bare.stdout as ReadableStream<Uint8Array>).getReader().read();
  const port = Number(new TextDecoder().decode(first.value).trim());
  if (!(port > 0)) throw new Error("the bare server printed no port");
  return { url: `http://127.0.0.1:${port}`, sizes, stop };
}

/** Alternating rounds of bare and gateway per method. */
async function measure(methods: Method[], bareUrl: string, nodeUrl: string, tag: string, windows?: Record<string, [number, number][]>): Promise<Record<string, { bare: ReadResult[]; gateway: ReadResult[] }>> {
  const runs: Record<string, { bare: ReadResult[]; gateway: ReadResult[] }> = {};
  for (let round_ = 1; round_ <= ROUNDS; round_++) {
    for (const [method, body, check] of methods) {
      const r = (runs[method] ??= { bare: [], gateway: [] });
      for (const [name, url] of [["bare", bareUrl], ["gateway", nodeUrl]] as const) {
        const from = performance.now();
        const res = await readLoad(url, body, { concurrency: CONCURRENCY, durationMs: SECONDS * 1000, warmupMs: QUICK ? 200 : 1000, check });
        if (name === "gateway" && windows !== undefined) (windows[method] ??= []).push([from, performance.now()]);
        r[name].push(res);
        say(`${tag}round ${round_} ${method} ${name}: ${res.requests_per_second} req/s (p50 ${res.p50_ms} ms, p99 ${res.p99_ms} ms, ${res.errors} errors)`);
      }
    }
  }
  return runs;
}

await runBench(async () => {
  const senders = Array.from({ length: SENDERS }, (_, i) => devAccount(i));
  const to = devAccount(SENDERS);

  const profileDir = PROFILE_DIR === undefined ? undefined : resolve(PROFILE_DIR);
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const spawned = performance.now();
  const node = await startDevProcess({ accounts: SENDERS + 1, args: ["--mode", "manual"], log: join(scratch, "node.log"), bunArgs: profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, "--cpu-prof-name=reads-node.cpuprofile"] });
  say(`filling the chain: ${BLOCKS} blocks × ${PER_BLOCK} transfers (manual mode)`);
  await fillMainnetLike(node, senders, to);
  const height = await headHeight(node.url);
  const head = await rpc<{ head_topology: { id: string } }>(node.url, "chain.get_head_info");
  say(`chain at height ${height}; ${BLOCKS * PER_BLOCK} transfers`);

  const headBody = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "chain.get_head_info", params: {} });
  let h = 0;
  const historyBody = () => JSON.stringify({ jsonrpc: "2.0", id: 1, method: "account_history.get_account_history", params: { address: senders[h++ % SENDERS]!.base58, limit: 50, ascending: false, irreversible: false } });
  const methods: Method[] = [
    ["chain.get_head_info", () => headBody, (t) => t.includes('"head_topology"')],
    blocksMethod(height, head.head_topology.id),
    ["account_history.get_account_history", historyBody, (t) => t.includes('"values"') && !t.includes('"error"')],
  ];
  const bare = await bareFor(node, methods, "mainnet-like");
  const windows: Record<string, [number, number][]> = {};
  const runs = await measure(methods, bare.url, node.url, "", windows);
  report.data.runs = runs;
  Object.assign(report.data, { height, blocks: BLOCKS, transfers_per_block: PER_BLOCK, transfers: BLOCKS * PER_BLOCK, concurrency: CONCURRENCY, seconds: SECONDS, rounds: ROUNDS });
  const targets: Record<string, { id: string; label: string; target?: number; ratioTarget?: number }> = {
    "chain.get_head_info": { id: "reads.head_info", label: "chain.get_head_info", ratioTarget: 0.5 },
    "block_store.get_blocks_by_height": { id: "reads.blocks_by_height", label: "block_store.get_blocks_by_height (10 blocks with receipts)", target: 3_000 },
    "account_history.get_account_history": { id: "reads.account_history", label: "account_history.get_account_history (page of 50)", target: 2_000 },
  };
  for (const [method, r] of Object.entries(runs)) {
    const t = targets[method]!;
    const gw = median(r.gateway.map((x) => x.requests_per_second));
    const bareRate = median(r.bare.map((x) => x.requests_per_second));
    const errors = r.gateway.reduce((n, x) => n + x.errors, 0);
    report.add({ id: `${t.id}.rps`, label: `gateway ${t.label}`, value: gw, unit: "req/s", baseline: { label: "bare Bun.serve", value: bareRate }, target: t.target ? { op: ">=", value: t.target, source: src } : undefined });
    if (t.ratioTarget) report.add({ id: `${t.id}.ratio_to_bare`, label: `gateway ${t.label} / bare Bun.serve`, value: round(gw / bareRate, 3), unit: "×", target: { op: ">=", value: t.ratioTarget, source: src } });
    report.add({ id: `${t.id}.p50_ms`, label: `gateway ${t.label}: p50`, value: median(r.gateway.map((x) => x.p50_ms)), unit: "ms" });
    report.add({ id: `${t.id}.p99_ms`, label: `gateway ${t.label}: p99`, value: median(r.gateway.map((x) => x.p99_ms)), unit: "ms" });
    report.add({ id: `${t.id}.answer_bytes`, label: `${t.label}: answer size`, value: bare.sizes[method]!, unit: "bytes" });
    if (errors > 0) report.note(`${method}: ${errors} failed or wrong answers through the gateway`);
  }
  // The caches the reads fill (gateway JSON, decoded history records, chunks) count here.
  const rss = node.rssMb();
  if (rss !== undefined) report.add({ id: "reads.node_rss_mb", label: "dev node RSS after the reads (mainnet-like chain)", value: Math.round(rss), unit: "MB" });
  report.note(`mainnet-like chain: ${BLOCKS} blocks of exactly ${PER_BLOCK} transfers (manual production mode), ${SENDERS} senders`);
  await node.stop();
  await bare.stop();
  if (profileDir !== undefined) {
    const file = readdirSync(profileDir).find((f) => f.startsWith("reads-node") && f.endsWith(".cpuprofile"));
    if (file === undefined) throw new Error(`no .cpuprofile written in ${profileDir}`);
    for (const [method, spans] of Object.entries(windows)) {
      // Self time over this method's first gateway measurement (ms since the node was spawned).
      const [from, to] = [spans[0]![0] - spawned, spans[0]![1] - spawned];
      const summary = summarizeProfile(join(profileDir, file), ROOT, from, to, 25);
      say(`profile of ${method} (${summary.samples} samples):`);
      for (const m of summary.topModules.slice(0, 8)) say(`  ${String(m.selfPercent).padStart(5)}%  ${m.module}`);
      for (const f of summary.topFunctions) say(`  ${String(f.selfPercent).padStart(5)}%  ${f.name}  ${f.where}`);
    }
  }

  if (HEAVY) {
    const heavy = await startDevProcess({ accounts: SENDERS + 1, log: join(scratch, "node-heavy.log") });
    say(`heavy-block chain: ${SENDERS} × ${HEAVY_PER_SENDER} transfers submitted at once`);
    await fillHeavy(heavy, senders, to);
    const heavyHeight = await headHeight(heavy.url);
    const heavyHead = await rpc<{ head_topology: { id: string } }>(heavy.url, "chain.get_head_info");
    const heavyMethods = [blocksMethod(heavyHeight, heavyHead.head_topology.id)];
    const heavyBare = await bareFor(heavy, heavyMethods, "heavy");
    const heavyRuns = await measure(heavyMethods, heavyBare.url, heavy.url, "heavy: ");
    report.data.heavy = { height: heavyHeight, transfers: SENDERS * HEAVY_PER_SENDER, runs: heavyRuns };
    const r = heavyRuns["block_store.get_blocks_by_height"]!;
    const label = "block_store.get_blocks_by_height (10 blocks with receipts), heavy blocks";
    report.add({ id: "reads.blocks_by_height_heavy.rps", label: `gateway ${label}`, value: median(r.gateway.map((x) => x.requests_per_second)), unit: "req/s", baseline: { label: "bare Bun.serve", value: median(r.bare.map((x) => x.requests_per_second)) } });
    report.add({ id: "reads.blocks_by_height_heavy.answer_bytes", label: `${label}: answer size`, value: heavyBare.sizes["block_store.get_blocks_by_height"]!, unit: "bytes" });
    report.note(`heavy blocks (no target): ${SENDERS * HEAVY_PER_SENDER} transfers submitted at once in instant mode make ${heavyHeight} blocks`);
    await heavy.stop();
    await heavyBare.stop();
  }
  report.note(`${CONCURRENCY} keep-alive requests in flight from the benchmark process (the node and the bare server are separate processes), ${SECONDS} s per measurement after a warm-up, median of ${ROUNDS} alternating round(s); the 2 cores are shared by the load generator and the server`);
  await report.write();
});
