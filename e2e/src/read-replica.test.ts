/**
 * Read/write splitting in the multi-process node: a private Postgres primary and streaming replica
 * (initdb + pg_basebackup, on loopback) and a private NATS server, all started here, and every
 * service its own process. The chain and mempool write the primary; the block store and account
 * history get DATABASE_READ_URL and answer the gateway's reads from the replica. With replay paused
 * the history the gateway shows stops at what the replica has, while the chain goes on writing and
 * new blocks stay readable (the block store asks the primary for what the replica lacks). Under
 * CI=true it runs always (a missing binary fails it).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Contract, Provider, Signer, utils } from "koilib";
import postgres from "postgres";
import { type StreamingReplica, startStreamingReplica, streamingReplicaAvailable } from "@cairn/db/testing";
import { type Cluster, startCluster } from "../../scripts/lib/cluster.ts";
import { eventually, rpc } from "./target.ts";

const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";
const alice = Signer.fromSeed("cairn dev 0");
const bob = Signer.fromSeed("cairn dev 1");

const available = streamingReplicaAvailable();
let pair: StreamingReplica;
let nats: { url: string; stop(): Promise<void> } | undefined;
let cluster: Cluster | undefined;
let gateway: string;
let dir: string;

/** A free port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

/** A NATS server with JetStream of this test's own (nothing shared with other tests or servers). */
async function startNats(storeDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const proc = Bun.spawn(["nats-server", "-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir], { stdout: "ignore", stderr: "ignore" });
  const url = `nats://127.0.0.1:${port}`;
  await eventually(async () => (await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then((s) => (s.end(), true)).catch(() => undefined)), 15_000, "nats-server");
  return {
    url,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

beforeAll(async () => {
  if (!available) return;
  dir = mkdtempSync(join(tmpdir(), "cairn-read-replica-e2e-"));
  pair = await startStreamingReplica();
  nats = await startNats(join(dir, "nats"));
  const [httpPort, grpcPortBase, metricsPortBase] = [await freePort(), 51_661, 10_661];
  cluster = await startCluster({
    databaseUrl: pair.primaryUrl,
    databaseReadUrl: pair.replicaUrl,
    natsUrl: nats.url,
    httpPort,
    grpcPortBase,
    metricsPortBase,
    logs: join(dir, "logs"),
    say: () => {},
  });
  gateway = cluster.gatewayUrls[0]!;
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
  await nats?.stop();
  await pair?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

async function transfer(value: string): Promise<string> {
  const provider = new Provider([gateway]);
  alice.provider = provider;
  const koin = new Contract({ id: KOIN, abi: utils.tokenAbi, provider, signer: alice });
  const { transaction } = await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value });
  await transaction!.wait("byBlock", 60_000);
  return transaction!.id!;
}

/** Bob's history as the gateway answers it (account history → the replica). */
async function history(): Promise<string[]> {
  const r = await rpc(gateway, "account_history.get_account_history", { address: bob.getAddress(), limit: 500, ascending: true });
  return ((r.result?.values as { trx?: { transaction: { id: string } } }[]) ?? []).flatMap((v) => (v.trx ? [v.trx.transaction.id] : []));
}

/** application_name of every Cairn connection to `url`. */
async function cairnConnections(url: string): Promise<string[]> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<{ name: string }[]>`select distinct application_name as name from pg_stat_activity where application_name like 'cairn-%' order by 1`;
    return rows.map((r) => r.name);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

describe.skipIf(!available)("multi-process node reading from a streaming replica", () => {
  test("the read services connect to the replica, the writers to the primary only", async () => {
    expect(await cairnConnections(pair.replicaUrl)).toEqual(["cairn-account_history-read", "cairn-block_store-read"]);
    const onPrimary = await cairnConnections(pair.primaryUrl);
    expect(onPrimary).toEqual(expect.arrayContaining(["cairn-chain", "cairn-block_store", "cairn-account_history", "cairn-mempool"]));
    expect(onPrimary.filter((name) => name.endsWith("-read"))).toEqual([]);
  });

  test("a transfer written by the chain on the primary shows in history read from the replica", async () => {
    const id = await transfer("11");
    await eventually(async () => ((await history()).includes(id) ? true : undefined), 30_000, "history via the replica");
  }, 90_000);

  test("with replay paused, history stays at what the replica has; the chain and new blocks go on", async () => {
    await pair.waitForReplay();
    const before = await history();
    await pair.pauseReplay();
    let id: string;
    try {
      // Mined and readable through the gateway although the replica has not seen the block.
      id = await transfer("12");
      const head = (await rpc(gateway, "chain.get_head_info")).result as { head_topology: { id: string; height: string } };
      const blocks = (await rpc(gateway, "block_store.get_blocks_by_id", { block_ids: [head.head_topology.id], return_block: true })).result as { block_items: { block_id: string; block?: unknown }[] };
      expect(blocks.block_items[0]!.block_id).toBe(head.head_topology.id);
      expect(blocks.block_items[0]!.block).toBeDefined();
      // Account history has indexed it on the primary …
      const primary = postgres(cluster!.databaseUrl, { max: 1, onnotice: () => undefined }); // the run's own database on the primary
      try {
        await eventually(async () => {
          const [row] = await primary<{ height: string }[]>`select head_height::text as height from account_history.progress`;
          return row !== undefined && BigInt(row.height) >= BigInt(head.head_topology.height) ? true : undefined;
        }, 30_000, "account history indexing on the primary");
      } finally {
        await primary.end({ timeout: 1 });
      }
      // … but answers from the replica, which is paused.
      await Bun.sleep(500);
      expect(await history()).toEqual(before);
    } finally {
      await pair.resumeReplay();
    }
    await eventually(async () => ((await history()).includes(id) ? true : undefined), 30_000, "history after replay resumes");
    expect((await history()).slice(0, before.length)).toEqual(before);
  }, 120_000);
});
