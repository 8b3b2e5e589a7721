#!/usr/bin/env bun
/**
 * `bun run test:chaos`: the multi-process cluster (scripts/lib/cluster.ts, with `restart` as
 * compose's restart policy) on the shared Postgres — in a database of its own — and on a NATS
 * server of its own (free port, temporary store), under a koilib load of KOIN transfers with
 * explicit nonces from several senders. Every service and NATS is killed with SIGKILL at random
 * moments, several times; after each restart the head must move again. Then the verifier checks
 * that every acknowledged transaction was mined, the block store holds the chain's chain, account
 * history is complete, balances sum to the supply and nonces match (see verify.ts).
 *
 *   bun run test:chaos            release form: 4 rounds (each kills every service and NATS once)
 *   bun run test:chaos --quick    bounded form (a few minutes): 1 round
 *   CHAOS_ROUNDS=N CHAOS_SENDERS=N CHAOS_KEEP_LOGS=1 CHAOS_LOG_LEVEL=debug DATABASE_URL=… NATS_SERVER_BIN=…
 *   CHAOS_HISTORY_TIMEOUT_MS=N   how long the verifier waits for account history to reach the chain
 *                                head before checking it (default 90 000 quick, 120 000 release)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Signer } from "koilib";
import { fromBase64url } from "@cairn/core";
import { decodeNonce } from "@cairn/protocol";
import { type Cluster, startCluster } from "../../../scripts/lib/cluster.ts";
import { startLoad } from "./load.ts";
import { freePort, freePortRange, type OwnNatsServer, startNatsServer } from "./nats-server.ts";
import { rpcAt, verify } from "./verify.ts";

const quick = process.argv.includes("--quick") || process.env.CHAOS_QUICK === "1";
const ROUNDS = Number(process.env.CHAOS_ROUNDS ?? (quick ? 1 : 4));
const SENDERS = Number(process.env.CHAOS_SENDERS ?? 4);
const SEED = "cairn dev";
const ACCOUNTS = 10;
const SUPPLY = BigInt(ACCOUNTS) * 1_000_000n * 100_000_000n;
const VICTIMS = ["nats", "chain", "block-store", "mempool", "account-history", "block-producer", "gateway"];
/** How long the head may take to move again after a restart (the quick form is bounded for CI). */
const HEAD_MOVE_TIMEOUT_MS = Number(process.env.CHAOS_HEAD_MOVE_TIMEOUT_MS ?? (quick ? 60_000 : 180_000));
/** How long acknowledged transactions may take to be mined once the load stops. */
const MINE_TIMEOUT_MS = quick ? 60_000 : 120_000;
/** How long account history may take to reach the chain head before its check (it replays after the last restart). */
const HISTORY_TIMEOUT_MS = Number(process.env.CHAOS_HISTORY_TIMEOUT_MS ?? (quick ? 90_000 : 120_000));

const started = Date.now();
const say = (msg: string) => console.log(`[chaos ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));
function shuffle<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

async function headHeight(url: string): Promise<number | undefined> {
  try {
    const r = await rpcAt(url)("chain.get_head_info", {});
    return Number((r.result as { head_topology?: { height?: string } } | undefined)?.head_topology?.height ?? Number.NaN);
  } catch {
    return undefined;
  }
}

/** Resolves true once the head is above `from` (load keeps the instant producer busy). */
async function headMoves(url: string, from: number): Promise<boolean> {
  const deadline = Date.now() + HEAD_MOVE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const h = await headHeight(url);
    if (h !== undefined && h > from) return true;
    await Bun.sleep(500);
  }
  return false;
}

/** Stops what the run started (set once started); SIGINT/SIGTERM run it too. */
let cleanup: (() => Promise<void>) | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping the cluster and NATS`);
    void (cleanup?.() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const logs = mkdtempSync(join(tmpdir(), "cairn-chaos-logs-"));
  let nats: OwnNatsServer | undefined;
  let cluster: Cluster | undefined;
  let cleaned: Promise<void> | undefined;
  cleanup = () =>
    (cleaned ??= (async () => {
      await cluster?.stop().catch((e: unknown) => say(`cluster stop failed: ${String(e)}`));
      await nats?.dispose();
      if (process.env.CHAOS_KEEP_LOGS !== "1") rmSync(logs, { recursive: true, force: true });
    })());
  const problems: string[] = [];
  let kills = 0;
  try {
    nats = await startNatsServer();
    say(`own NATS at ${nats.url}; logs in ${logs}`);
    cluster = await startCluster({
      databaseUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
      natsUrl: nats.url,
      httpPort: freePort(),
      grpcPortBase: freePortRange(5),
      metricsPortBase: freePortRange(5),
      mode: "instant",
      restart: true,
      logs,
      logLevel: process.env.CHAOS_LOG_LEVEL ?? "info",
      say: (m) => say(`cluster: ${m}`),
    });
    const url = cluster.gatewayUrls[0]!;
    const rpc = rpcAt(url);
    const startNonces: bigint[] = [];
    for (let s = 0; s < SENDERS; s++) {
      const raw = (await rpc("chain.get_account_nonce", { account: Signer.fromSeed(`${SEED} ${s}`).getAddress() })).result?.nonce as string | undefined;
      startNonces.push(raw === undefined ? 0n : decodeNonce(fromBase64url(raw)));
    }
    const load = await startLoad([url], SEED, SENDERS, ACCOUNTS, startNonces);
    await Bun.sleep(5_000);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const victim of shuffle(VICTIMS)) {
        await Bun.sleep(random(2_000, 8_000));
        const before = (await headHeight(url)) ?? 0;
        say(`round ${round}: kill -9 ${victim} (head ${before}, ${load.acked.length} acknowledged so far)`);
        kills++;
        if (victim === "nats") {
          await nats.kill();
          await Bun.sleep(random(1_000, 3_000));
          await nats.start();
        } else {
          const svc = cluster.services.get(victim)!;
          await svc.kill();
          await svc.restart();
        }
        const moved = await headMoves(url, before);
        say(`round ${round}: ${victim} back; head ${moved ? "moves again" : "DID NOT MOVE"} (${await headHeight(url)})`);
        if (!moved) problems.push(`head did not move within ${HEAD_MOVE_TIMEOUT_MS / 1000} s after ${victim} was killed in round ${round}`);
      }
    }
    await Bun.sleep(3_000);
    await load.stop();
    say(`load stopped: ${load.acked.length} acknowledged, ${load.errors} submissions failed (retried), ${load.unacknowledged.length} failed submissions went through all the same`);
    for (const [s, e] of load.lastError) say(`  sender ${s} last error: ${e}`);
    for (const [kind, n] of [...load.errorKinds].sort((a, b) => b[1] - a[1]).slice(0, 8)) say(`  ${n} × ${kind}`);
    const verdict = await verify(url, SEED, ACCOUNTS, SUPPLY, load.acked, load.unacknowledged, SENDERS, MINE_TIMEOUT_MS, { metricsUrl: cluster.metricsUrls["account-history"]!, timeoutMs: HISTORY_TIMEOUT_MS, say });
    problems.push(...verdict.problems);
    say(`verdict: ${verdict.acknowledged} acknowledged, ${verdict.mined} mined, ${verdict.lost.length} lost`);
    for (const l of verdict.lost.slice(0, 20)) say(`  lost ${l}`);
    for (const p of problems) say(`PROBLEM ${p}`);
    say(`chaos: ${kills} kills in ${ROUNDS} round(s), ${verdict.acknowledged} acknowledged, ${verdict.lost.length} lost, ${problems.length} problems`);
    return verdict.lost.length === 0 && problems.length === 0 ? 0 : 1;
  } finally {
    await cleanup();
  }
}

process.exit(await main().catch((e: unknown) => (console.error(`[chaos] failed: ${String(e)}`), 2)));
