/**
 * Starting the compose topology as plain processes (used by scripts/cluster.ts and the
 * multi-process end-to-end tests): every service its own process against Postgres and NATS,
 * started in dependency order and waited on until healthy; any one can be killed and started again.
 *
 * Every run is isolated on the shared servers: it creates its own Postgres database
 * (`cairn_cluster_<run>`), its own JetStream stream (`CLUSTER_<run>`) and subject prefix
 * (`cluster_<run>`), and on stop removes exactly those — never the `KOINOS` stream or anything
 * else it did not create. `keep` leaves them for a later run with the same `runId`. With
 * `restart`, a service that exits on its own is started again (compose's `restart:
 * unless-stopped`), so a killed service comes back without being asked.
 */
import { mkdirSync, openSync } from "node:fs";
import { join, resolve } from "node:path";
import postgres from "postgres";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { checkHealth } from "@cairn/rpc";

const root = resolve(import.meta.dir, "../..");

export interface ClusterOptions {
  databaseUrl: string;
  /**
   * A streaming replica of `databaseUrl`: the read services (block store, account history) get it
   * as `DATABASE_READ_URL` and answer lookups from it; the chain and mempool use the primary only.
   */
  databaseReadUrl?: string;
  natsUrl: string;
  /** First gateway HTTP port (more gateways take the next ones). */
  httpPort: number;
  grpcPortBase: number;
  metricsPortBase: number;
  seed: string;
  mode: "instant" | "interval" | "manual";
  gateways: number;
  accountHistories: number;
  /**
   * Names this run's database, stream and prefix. Default: a new id per run. Reusing the id of a
   * run started with `keep` resumes its data.
   */
  runId: string;
  /** Leave the run's database and stream in place on stop (default false: both are removed). */
  keep: boolean;
  /** Start a service again when it exits on its own (default false). */
  restart: boolean;
  logs: string;
  logLevel: string;
  say: (msg: string) => void;
  /** Extra `bun` arguments before each service's entry (e.g. `--cpu-prof`), by service name. Default none. */
  bunArgs?: (service: string) => string[];
  /** Extra environment by service name (e.g. `{ mempool: { CAIRN_MEMPOOL_LIMITS_MAX_PENDING_TRANSACTIONS: "20" } }`). Default none. */
  serviceEnv?: Record<string, Record<string, string>>;
}

export const defaultClusterOptions: ClusterOptions = {
  databaseUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  natsUrl: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
  httpPort: 8080,
  grpcPortBase: 50051,
  metricsPortBase: 9451,
  seed: "cairn dev",
  mode: "instant",
  gateways: 1,
  accountHistories: 1,
  runId: "",
  keep: false,
  restart: false,
  logs: join(root, "data/cluster-logs"),
  logLevel: process.env.LOG_LEVEL ?? "info",
  say: (msg) => console.log(`[cluster] ${msg}`),
};

export interface ClusterService {
  name: string;
  /** gRPC or HTTP address it answers health on. */
  address: string;
  pid(): number;
  /** SIGKILL, no warning (with `restart`, the supervisor starts it again). */
  kill(): Promise<void>;
  /** Starts it again with the same command (unless the supervisor already did) and waits until healthy. */
  restart(): Promise<void>;
  /** Times the process was started. */
  starts(): number;
}

export interface Cluster {
  gatewayUrls: string[];
  /** Each gRPC service's Prometheus endpoint by service name (`http://127.0.0.1:PORT/metrics`). */
  metricsUrls: Record<string, string>;
  databaseUrl: string;
  /** This run's id, JetStream stream and subject prefix. */
  runId: string;
  stream: string;
  subjectPrefix: string;
  services: Map<string, ClusterService>;
  stop(): Promise<void>;
}

export async function startCluster(input: Partial<ClusterOptions> = {}): Promise<Cluster> {
  const o: ClusterOptions = { ...defaultClusterOptions, ...input };
  mkdirSync(o.logs, { recursive: true });
  const runId = o.runId === "" ? `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}` : o.runId;
  if (!/^[a-z0-9_]+$/.test(runId)) throw new Error(`run id ${runId}: lowercase letters, digits and _ only`);
  const runDb = `cairn_cluster_${runId}`;
  const stream = `CLUSTER_${runId}`;
  const subjectPrefix = `cluster_${runId}`;
  const url = new URL(o.databaseUrl);
  url.pathname = `/${runDb}`;
  const databaseUrl = url.toString();
  {
    const admin = postgres(o.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const exists = await admin`select 1 from pg_database where datname = ${runDb}`;
      if (exists.length === 0) await admin.unsafe(`create database ${runDb}`);
      o.say(`${exists.length === 0 ? "new" : "existing"} database ${runDb}, stream ${stream}, subject prefix ${subjectPrefix}`);
    } finally {
      await admin.end();
    }
  }

  const running = new Map<string, { proc: ReturnType<typeof Bun.spawn>; spec: Spec }>();
  const services = new Map<string, ClusterService>();
  let stopping = false;
  interface Spec {
    name: string;
    entry: string;
    args: string[];
    healthy: () => Promise<boolean>;
    address: string;
    /** Extra environment for this service. */
    env?: Record<string, string>;
  }
  // DATABASE_READ_URL only where `databaseReadUrl` gives it (never inherited from this process).
  // As compose.yaml runs the services: the allocator keeps freed memory (docs/operations.md).
  const env = { DATABASE_URL: databaseUrl, DATABASE_READ_URL: "", NATS_URL: o.natsUrl, LOG_LEVEL: o.logLevel, MIMALLOC_PURGE_DELAY: process.env.MIMALLOC_PURGE_DELAY ?? "-1" };
  const starts = new Map<string, number>();
  const spawn = (spec: Spec) => {
    const out = openSync(join(o.logs, `${spec.name}.log`), "a");
    const bus = ["--nats-stream", stream, "--nats-subject-prefix", subjectPrefix];
    const proc = Bun.spawn(["bun", ...(o.bunArgs?.(spec.name) ?? []), join(root, spec.entry), ...spec.args, ...bus], { cwd: root, env: { ...process.env, ...env, ...spec.env, ...o.serviceEnv?.[spec.name] }, stdout: out, stderr: out });
    running.set(spec.name, { proc, spec });
    starts.set(spec.name, (starts.get(spec.name) ?? 0) + 1);
    void proc.exited.then((code) => {
      if (stopping || running.get(spec.name)?.proc !== proc) return;
      o.say(`${spec.name} exited (${code ?? proc.signalCode}); see ${join(o.logs, `${spec.name}.log`)}`);
      // As compose's restart policy: start it again after a short pause.
      if (o.restart) {
        setTimeout(() => {
          if (!stopping && running.get(spec.name)?.proc === proc) spawn(spec);
        }, 1_000);
      }
    });
    o.say(`started ${spec.name} (pid ${proc.pid})`);
  };
  const waitHealthy = async (spec: Spec, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    let wait = 100;
    while (Date.now() < deadline) {
      if (await spec.healthy().catch(() => false)) {
        o.say(`${spec.name} healthy`);
        return;
      }
      const r = running.get(spec.name);
      if (r && r.proc.exitCode !== null) throw new Error(`${spec.name} exited with ${r.proc.exitCode}; see ${join(o.logs, `${spec.name}.log`)}`);
      await Bun.sleep(wait);
      wait = Math.min(wait * 2, 1000);
    }
    throw new Error(`${spec.name} did not become healthy within ${timeoutMs} ms; see ${join(o.logs, `${spec.name}.log`)}`);
  };
  const grpcHealthy = (address: string) => async () => (await checkHealth(address, "", { timeoutMs: 1000 })) === "SERVING";
  const httpHealthy = (url: string) => async () => (await fetch(url)).status === 200;
  const add = async (spec: Spec) => {
    spawn(spec);
    await waitHealthy(spec);
    services.set(spec.name, {
      name: spec.name,
      address: spec.address,
      pid: () => running.get(spec.name)!.proc.pid,
      async kill() {
        const r = running.get(spec.name)!;
        r.proc.kill("SIGKILL");
        await r.proc.exited;
        o.say(`killed ${spec.name}`);
      },
      async restart() {
        const r = running.get(spec.name)!;
        if (o.restart) {
          // The supervisor starts it (again) on its own; wait for that.
          while (running.get(spec.name) === r && r.proc.exitCode === null && r.proc.signalCode === null) await Bun.sleep(50);
          while (running.get(spec.name) === r) await Bun.sleep(50);
        } else if (r.proc.exitCode !== null || r.proc.signalCode !== null) spawn(spec);
        await waitHealthy(spec);
      },
      starts: () => starts.get(spec.name) ?? 0,
    });
  };

  const stop = async () => {
    stopping = true;
    for (const [name, r] of [...running].reverse()) {
      r.proc.kill("SIGTERM");
      const killer = setTimeout(() => r.proc.kill("SIGKILL"), 15_000);
      await r.proc.exited;
      clearTimeout(killer);
      o.say(`stopped ${name}`);
    }
    if (o.keep) {
      o.say(`kept database ${runDb} and stream ${stream}: --run-id ${runId} resumes them`);
      return;
    }
    // Only what this run created: its database and its stream.
    const admin = postgres(o.databaseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${runDb} with (force)`).catch(() => undefined);
    await admin.end();
    const nc = await connect({ servers: o.natsUrl }).catch(() => undefined);
    if (nc !== undefined) {
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => false);
      await nc.close();
    }
  };

  const addr = (i: number) => `127.0.0.1:${o.grpcPortBase + i}`;
  const grpc = (i: number) => ["--grpc-host", "127.0.0.1", "--grpc-port", String(o.grpcPortBase + i), "--metrics-port", String(o.metricsPortBase + i)];
  const gatewayUrls: string[] = [];
  const metricsUrls: Record<string, string> = {};
  const metricsAt = (name: string, i: number) => (metricsUrls[name] = `http://127.0.0.1:${o.metricsPortBase + i}/metrics`);
  // The replica holds the same databases as the primary: read the run's own database there too.
  const readUrl = o.databaseReadUrl ? new URL(o.databaseReadUrl) : undefined;
  if (readUrl) readUrl.pathname = `/${runDb}`;
  const readEnv = readUrl ? { DATABASE_READ_URL: readUrl.toString() } : undefined;
  try {
    metricsAt("block-store", 1);
    metricsAt("chain", 0);
    metricsAt("mempool", 2);
    metricsAt("block-producer", 4);
    await add({ name: "block-store", entry: "services/block-store/src/main.ts", args: grpc(1), healthy: grpcHealthy(addr(1)), address: addr(1), env: readEnv });
    await add({ name: "chain", entry: "services/chain/src/main.ts", args: [...grpc(0), "--dev-seed", o.seed, "--block-store-address", addr(1), "--mempool-address", addr(2)], healthy: grpcHealthy(addr(0)), address: addr(0) });
    await add({ name: "mempool", entry: "services/mempool/src/main.ts", args: [...grpc(2), "--chain-address", addr(0), "--block-store-address", addr(1)], healthy: grpcHealthy(addr(2)), address: addr(2) });
    for (let i = 0; i < o.accountHistories; i++) {
      const name = o.accountHistories === 1 ? "account-history" : `account-history-${i + 1}`;
      const slot = 3 + i * 10;
      metricsAt(name, slot);
      await add({ name, entry: "services/account-history/src/main.ts", args: [...grpc(slot), "--chain-address", addr(0), "--block-store-address", addr(1)], healthy: grpcHealthy(addr(slot)), address: addr(slot), env: readEnv });
    }
    await add({ name: "block-producer", entry: "services/block-producer/src/main.ts", args: [...grpc(4), "--dev-seed", o.seed, "--mode", o.mode, "--chain-address", addr(0), "--mempool-address", addr(2)], healthy: grpcHealthy(addr(4)), address: addr(4) });
    for (let i = 0; i < o.gateways; i++) {
      const name = o.gateways === 1 ? "gateway" : `gateway-${i + 1}`;
      const port = o.httpPort + i;
      const config = join(o.logs, `${name}.json`);
      const history = addr(3 + (i % o.accountHistories) * 10);
      const gateway = {
        host: "127.0.0.1",
        port,
        natsUrl: o.natsUrl,
        readCache: { enabled: true },
        // Interval: the head must be fresh. Instant: old is idle unless transactions wait with no block.
        health: o.mode === "interval" ? { maxHeadAgeMs: 60_000 } : o.mode === "instant" ? { maxHeadAgeMs: 60_000, idleHeadOk: true } : { maxHeadAgeMs: 0 },
      };
      await Bun.write(config, JSON.stringify({ gateway: { ...gateway, services: { chain: addr(0), contractMetaStore: addr(0), p2p: addr(0), blockStore: addr(1), transactionStore: addr(1), mempool: addr(2), accountHistory: history } } }));
      const url = `http://127.0.0.1:${port}`;
      await add({ name, entry: "gateway/src/main.ts", args: ["--config", config], healthy: httpHealthy(`${url}/health`), address: url });
      gatewayUrls.push(url);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  o.say(`ready: JSON-RPC ${gatewayUrls.join(", ")}; logs in ${o.logs}`);
  return { gatewayUrls, metricsUrls, databaseUrl, runId, stream, subjectPrefix, services, stop };
}
