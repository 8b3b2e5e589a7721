#!/usr/bin/env bun
/**
 * The compose topology without Docker: every Cairn service as its own process against the
 * Postgres and NATS given by URL, started in dependency order, each waited on until it reports
 * healthy (gRPC health, gateway /health); Ctrl-C (or SIGTERM) stops them all, newest first.
 *
 *   bun scripts/cluster.ts [--database-url URL] [--nats-url URL] [--port 8080]
 *                          [--grpc-port-base 50051] [--metrics-port-base 9451]
 *                          [--seed "cairn dev"] [--mode instant|interval|manual]
 *                          [--gateways 1] [--account-histories 1] [--fresh] [--logs DIR]
 *                          [-- COMMAND ...]
 *
 * With a COMMAND, it runs it once the cluster is healthy (CAIRN_E2E_URL and CAIRN_E2E_SEED set to
 * the first gateway and the seed), then stops the cluster and exits with the command's status.
 * --fresh starts from nothing: a new Postgres database and the KOINOS stream deleted first.
 */
import { mkdirSync, openSync } from "node:fs";
import { join, resolve } from "node:path";
import postgres from "postgres";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { checkHealth } from "@cairn/rpc";

const root = resolve(import.meta.dir, "..");
const argv = process.argv.slice(2);
const dash = argv.indexOf("--");
const flags = dash >= 0 ? argv.slice(0, dash) : argv;
const command = dash >= 0 ? argv.slice(dash + 1) : [];
const flag = (name: string, dflt: string) => {
  const i = flags.indexOf(`--${name}`);
  return i >= 0 && flags[i + 1] !== undefined ? flags[i + 1]! : dflt;
};
const has = (name: string) => flags.includes(`--${name}`);

let databaseUrl = flag("database-url", process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test");
const natsUrl = flag("nats-url", process.env.NATS_URL ?? "nats://127.0.0.1:4222");
const httpPort = Number(flag("port", "8080"));
const grpcBase = Number(flag("grpc-port-base", "50051"));
const metricsBase = Number(flag("metrics-port-base", "9451"));
const seed = flag("seed", "cairn dev");
const mode = flag("mode", "instant");
const gateways = Number(flag("gateways", "1"));
const histories = Number(flag("account-histories", "1"));
const logs = resolve(flag("logs", join(root, "data/cluster-logs")));
mkdirSync(logs, { recursive: true });

function say(msg: string) {
  console.log(`[cluster] ${msg}`);
}

if (has("fresh")) {
  // A database of its own, and no stream history from earlier runs.
  const base = new URL(databaseUrl);
  const name = `cairn_cluster_${Date.now().toString(36)}`;
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  base.pathname = `/${name}`;
  databaseUrl = base.toString();
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete("KOINOS").catch(() => false);
  await nc.close();
  say(`fresh database ${name}, KOINOS stream reset`);
}

interface Proc {
  name: string;
  proc: ReturnType<typeof Bun.spawn>;
}
const procs: Proc[] = [];
const common = { DATABASE_URL: databaseUrl, NATS_URL: natsUrl, LOG_LEVEL: process.env.LOG_LEVEL ?? "info" };
const addr = (i: number) => `127.0.0.1:${grpcBase + i}`;

function start(name: string, entry: string, args: string[], env: Record<string, string> = {}): Proc {
  const out = openSync(join(logs, `${name}.log`), "a");
  const proc = Bun.spawn(["bun", join(root, entry), ...args], { cwd: root, env: { ...process.env, ...common, ...env }, stdout: out, stderr: out });
  const p = { name, proc };
  procs.push(p);
  void proc.exited.then((code) => {
    if (!stopping) say(`${name} exited (${code}); see ${join(logs, `${name}.log`)}`);
  });
  say(`started ${name} (pid ${proc.pid})`);
  return p;
}

async function waitHealthy(name: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let wait = 100;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) {
      say(`${name} healthy`);
      return;
    }
    const p = procs.find((x) => x.name === name);
    if (p && p.proc.exitCode !== null) throw new Error(`${name} exited with ${p.proc.exitCode}; see ${join(logs, `${name}.log`)}`);
    await Bun.sleep(wait);
    wait = Math.min(wait * 2, 1000);
  }
  throw new Error(`${name} did not become healthy within ${timeoutMs} ms; see ${join(logs, `${name}.log`)}`);
}
const grpcHealthy = (address: string) => async () => (await checkHealth(address, "", { timeoutMs: 1000 })) === "SERVING";
const httpHealthy = (url: string) => async () => (await fetch(url)).status === 200;

let stopping = false;
async function stopAll(): Promise<void> {
  stopping = true;
  for (const p of [...procs].reverse()) {
    p.proc.kill("SIGTERM");
    const killer = setTimeout(() => p.proc.kill("SIGKILL"), 15_000);
    await p.proc.exited;
    clearTimeout(killer);
    say(`stopped ${p.name}`);
  }
}

const grpc = (i: number, metrics: number) => ["--grpc-host", "127.0.0.1", "--grpc-port", String(grpcBase + i), "--metrics-port", String(metricsBase + metrics)];
try {
  start("block-store", "services/block-store/src/main.ts", grpc(1, 1));
  await waitHealthy("block-store", grpcHealthy(addr(1)));
  start("chain", "services/chain/src/main.ts", [...grpc(0, 0), "--dev-seed", seed, "--block-store-address", addr(1), "--mempool-address", addr(2)]);
  await waitHealthy("chain", grpcHealthy(addr(0)));
  start("mempool", "services/mempool/src/main.ts", [...grpc(2, 2), "--chain-address", addr(0), "--block-store-address", addr(1)]);
  await waitHealthy("mempool", grpcHealthy(addr(2)));
  for (let i = 0; i < histories; i++) {
    const name = histories === 1 ? "account-history" : `account-history-${i + 1}`;
    start(name, "services/account-history/src/main.ts", [...grpc(3 + i * 10, 3 + i * 10), "--chain-address", addr(0), "--block-store-address", addr(1)]);
    await waitHealthy(name, grpcHealthy(addr(3 + i * 10)));
  }
  start("block-producer", "services/block-producer/src/main.ts", [...grpc(4, 4), "--dev-seed", seed, "--mode", mode, "--chain-address", addr(0), "--mempool-address", addr(2)]);
  await waitHealthy("block-producer", grpcHealthy(addr(4)));
  const gatewayUrls: string[] = [];
  for (let i = 0; i < gateways; i++) {
    const name = gateways === 1 ? "gateway" : `gateway-${i + 1}`;
    const config = join(logs, `${name}.json`);
    const port = httpPort + i;
    await Bun.write(
      config,
      JSON.stringify({
        gateway: {
          host: "127.0.0.1",
          port,
          services: { chain: addr(0), contractMetaStore: addr(0), blockStore: addr(1), transactionStore: addr(1), mempool: addr(2), accountHistory: addr(3) },
        },
      }),
    );
    start(name, "gateway/src/main.ts", ["--config", config], { NATS_URL: natsUrl });
    await waitHealthy(name, httpHealthy(`http://127.0.0.1:${port}/health`));
    gatewayUrls.push(`http://127.0.0.1:${port}`);
  }
  say(`ready: JSON-RPC ${gatewayUrls.join(", ")}; logs in ${logs}`);
  if (command.length > 0) {
    const child = Bun.spawn(command, { cwd: root, env: { ...process.env, CAIRN_E2E_URL: gatewayUrls[0]!, CAIRN_E2E_URLS: gatewayUrls.join(","), CAIRN_E2E_SEED: seed }, stdout: "inherit", stderr: "inherit" });
    const code = await child.exited;
    await stopAll();
    process.exit(code);
  }
  process.on("SIGINT", () => void stopAll().then(() => process.exit(0)));
  process.on("SIGTERM", () => void stopAll().then(() => process.exit(0)));
} catch (e) {
  say(`failed: ${(e as Error).message}`);
  await stopAll();
  process.exit(1);
}
