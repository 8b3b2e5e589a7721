#!/usr/bin/env bun
/**
 * Reads through the gateway under concurrent load (architecture §9), next to a bare `Bun.serve` in the
 * same run: the dev node (a child process, default store) after a few hundred transfers, and the
 * load from this process (`--concurrency` keep-alive requests in flight). The bare server is
 * another child answering each method with the very bytes the gateway answered, so the two differ
 * only by what the node does. Rounds alternate bare and gateway; medians are reported.
 *   - chain.get_head_info: ≥ 50% of bare;
 *   - block_store.get_blocks_by_height, 10 blocks with blocks and receipts (start heights rotate
 *     over the chain): ≥ 3,000 req/s;
 *   - account_history.get_account_history, pages of 50 (rotating over 100 accounts): ≥ 2,000 req/s.
 *
 *   bun bench/reads.bench.ts [--quick] [--seconds 8] [--rounds 2] [--concurrency 64] [--out FILE]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onCleanup, runBench, spawnChild, stopChild } from "./lib/children.ts";
import { startDevProcess } from "./lib/dev-node.ts";
import { chainIdOf, devAccount, headHeight, historyLength, signTransfers } from "./lib/koinos.ts";
import { type ReadResult, readLoad, submitOrdered } from "./lib/load.ts";
import { Report } from "./lib/result.ts";
import { QUICK, numberFlag, round, rpc, say } from "./lib/util.ts";

const SECONDS = numberFlag("seconds", QUICK ? 1 : 8);
const ROUNDS = numberFlag("rounds", QUICK ? 1 : 2);
const CONCURRENCY = numberFlag("concurrency", 64);
const SENDERS = QUICK ? 20 : 100;
const PER_SENDER = QUICK ? 3 : 60;
const report = new Report("reads", "Reads through the gateway vs bare Bun.serve");
const src = "architecture §9";
const scratch = mkdtempSync(join(tmpdir(), "cairn-bench-reads-"));
onCleanup("reads scratch dir", () => rmSync(scratch, { recursive: true, force: true }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await runBench(async () => {
  const node = await startDevProcess({ accounts: SENDERS + 1, log: join(scratch, "node.log") });
  const senders = Array.from({ length: SENDERS }, (_, i) => devAccount(i));
  const to = devAccount(SENDERS);
  say(`filling the chain: ${SENDERS} × ${PER_SENDER} transfers`);
  const before = await historyLength(node.url, to);
  const signed = signTransfers(await chainIdOf(node.url), senders, to, senders.map(() => 1n), PER_SENDER);
  await submitOrdered(node.url, signed.bodies);
  const total = SENDERS * PER_SENDER;
  for (let i = 0; (await historyLength(node.url, to)) < before + total; i++) {
    if (i > 6000) throw new Error("transfers not in account history after 120 s");
    await Bun.sleep(20);
  }
  // At least 30 blocks, so every 10-block range exists (empty blocks on top when the transfers made fewer).
  if ((await headHeight(node.url)) < 30) await rpc(node.url, "dev.mine_blocks", { count: String(30 - (await headHeight(node.url))) }, 120_000);
  const height = await headHeight(node.url);
  const head = await rpc<{ head_topology: { id: string } }>(node.url, "chain.get_head_info");
  say(`chain at height ${height}; ${total} transfers`);

  const headBody = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "chain.get_head_info", params: {} });
  let b = 0;
  const blocksBody = () => {
    const start = 1 + (b++ % Math.max(1, height - 10));
    return JSON.stringify({ jsonrpc: "2.0", id: 1, method: "block_store.get_blocks_by_height", params: { head_block_id: head.head_topology.id, ancestor_start_height: String(start), num_blocks: 10, return_block: true, return_receipt: true } });
  };
  let h = 0;
  const historyBody = () => JSON.stringify({ jsonrpc: "2.0", id: 1, method: "account_history.get_account_history", params: { address: senders[h++ % SENDERS]!.base58, limit: 50, ascending: false, irreversible: false } });
  const methods: [string, () => string, (t: string) => boolean][] = [
    ["chain.get_head_info", () => headBody, (t) => t.includes('"head_topology"')],
    ["block_store.get_blocks_by_height", blocksBody, (t) => (t.match(/"receipt"/g) ?? []).length === 10],
    ["account_history.get_account_history", historyBody, (t) => t.includes('"values"') && !t.includes('"error"')],
  ];

  // The bare server answers each method with bytes the gateway gave (a mid-chain block range, a full page).
  const answers: Record<string, string> = {};
  for (const [method, body] of methods) {
    const text = await (await fetch(node.url, { method: "POST", body: body() })).text();
    answers[method] = text;
    report.data[`${method}.response_bytes`] = text.length;
  }
  const answersFile = join(scratch, "answers.json");
  writeFileSync(answersFile, JSON.stringify(answers));
  const bare = spawnChild(["bun", join(import.meta.dir, "lib/bare-server.ts"), answersFile], { stdout: "pipe", stderr: "inherit" });
  onCleanup("bare server", () => stopChild(bare));
  const first = await (bare.stdout as ReadableStream<Uint8Array>).getReader().read();
  const port = Number(new TextDecoder().decode(first.value).trim());
  if (!(port > 0)) throw new Error("the bare server printed no port");
  const bareUrl = `http://127.0.0.1:${port}`;

  const runs: Record<string, { bare: ReadResult[]; gateway: ReadResult[] }> = {};
  for (let round_ = 1; round_ <= ROUNDS; round_++) {
    for (const [method, body, check] of methods) {
      const r = (runs[method] ??= { bare: [], gateway: [] });
      for (const [name, url] of [["bare", bareUrl], ["gateway", node.url]] as const) {
        const res = await readLoad(url, body, { concurrency: CONCURRENCY, durationMs: SECONDS * 1000, warmupMs: QUICK ? 200 : 1000, check });
        r[name].push(res);
        say(`round ${round_} ${method} ${name}: ${res.requests_per_second} req/s (p50 ${res.p50_ms} ms, p99 ${res.p99_ms} ms, ${res.errors} errors)`);
      }
    }
  }
  report.data.runs = runs;
  Object.assign(report.data, { height, transfers: total, concurrency: CONCURRENCY, seconds: SECONDS, rounds: ROUNDS });
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
    if (errors > 0) report.note(`${method}: ${errors} failed or wrong answers through the gateway`);
  }
  report.note(`${CONCURRENCY} keep-alive requests in flight from the benchmark process (the node and the bare server are separate processes), ${SECONDS} s per measurement after a warm-up, median of ${ROUNDS} alternating round(s); the 2 cores are shared by the load generator and the server`);
  await node.stop();
  await stopChild(bare);
  await report.write();
});
