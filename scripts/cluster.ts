#!/usr/bin/env bun
/**
 * The compose topology without Docker: every Cairn service as its own process against the
 * Postgres and NATS given by URL, waited on until healthy; Ctrl-C (or SIGTERM) stops them all.
 *
 *   bun scripts/cluster.ts [--database-url URL] [--nats-url URL] [--port 8080]
 *                          [--grpc-port-base 50051] [--metrics-port-base 9451]
 *                          [--seed "cairn dev"] [--mode instant|interval|manual]
 *                          [--gateways 1] [--account-histories 1] [--restart]
 *                          [--run-id ID] [--keep] [--logs DIR] [-- COMMAND ...]
 *
 * With a COMMAND, it runs it once the cluster is healthy (CAIRN_E2E_URL, CAIRN_E2E_URLS,
 * CAIRN_E2E_SEED and CAIRN_E2E_METRICS_URLS — `name=url,…` of each service's /metrics — set),
 * then stops the cluster and exits with the command's status.
 * Every run has its own database (`cairn_cluster_<run>`), JetStream stream (`CLUSTER_<run>`) and
 * subject prefix, removed on stop; --keep leaves them and --run-id ID resumes a kept run. It never
 * touches the `KOINOS` stream. (--fresh, once needed for that, is accepted and changes nothing.)
 * --restart starts a service again when it exits, as compose's restart policy does.
 */
import { resolve } from "node:path";
import { type ClusterOptions, defaultClusterOptions, startCluster } from "./lib/cluster.ts";

const argv = process.argv.slice(2);
const dash = argv.indexOf("--");
const flags = dash >= 0 ? argv.slice(0, dash) : argv;
const command = dash >= 0 ? argv.slice(dash + 1) : [];
const flag = (name: string): string | undefined => {
  const i = flags.indexOf(`--${name}`);
  return i >= 0 ? flags[i + 1] : undefined;
};
const d = defaultClusterOptions;
const options: ClusterOptions = {
  ...d,
  databaseUrl: flag("database-url") ?? d.databaseUrl,
  natsUrl: flag("nats-url") ?? d.natsUrl,
  httpPort: Number(flag("port") ?? d.httpPort),
  grpcPortBase: Number(flag("grpc-port-base") ?? d.grpcPortBase),
  metricsPortBase: Number(flag("metrics-port-base") ?? d.metricsPortBase),
  seed: flag("seed") ?? d.seed,
  mode: (flag("mode") ?? d.mode) as ClusterOptions["mode"],
  gateways: Number(flag("gateways") ?? d.gateways),
  accountHistories: Number(flag("account-histories") ?? d.accountHistories),
  runId: flag("run-id") ?? d.runId,
  keep: flags.includes("--keep"),
  restart: flags.includes("--restart"),
  logs: resolve(flag("logs") ?? d.logs),
};

let cluster;
try {
  cluster = await startCluster(options);
} catch (e) {
  console.error(`[cluster] failed: ${(e as Error).message}`);
  process.exit(1);
}
if (command.length > 0) {
  const child = Bun.spawn(command, {
    env: {
      ...process.env,
      CAIRN_E2E_URL: cluster.gatewayUrls[0]!,
      CAIRN_E2E_URLS: cluster.gatewayUrls.join(","),
      CAIRN_E2E_SEED: options.seed,
      CAIRN_E2E_METRICS_URLS: Object.entries(cluster.metricsUrls).map(([name, url]) => `${name}=${url}`).join(","),
    },
    stdout: "inherit",
    stderr: "inherit",
  });
  const code = await child.exited;
  await cluster.stop();
  process.exit(code);
}
const stop = () => void cluster!.stop().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
