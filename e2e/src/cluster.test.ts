/**
 * The multi-process node: every service its own process on real Postgres and NATS, two
 * gateways and two account-history instances side by side; any one service killed (SIGKILL) and
 * started again recovers with no operator action. Needs Postgres and NATS: under CI=true it runs
 * (and fails without them); elsewhere it is skipped with a printed notice when they are missing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Contract, Provider, Signer, utils } from "koilib";
import { natsTestTarget } from "@cairn/bus/testing";
import { postgresTestUrl } from "@cairn/db/testing";
import { type Cluster, startCluster } from "../../scripts/lib/cluster.ts";
import { findPromtool, promtoolProblems, sampleValue } from "./promtool.ts";
import { eventually, rpc } from "./target.ts";

const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";
const pg = await postgresTestUrl();
const nats = await natsTestTarget();
const available = pg !== undefined && nats.available;
const promtool = findPromtool();
if (!available) console.warn("cluster e2e: Postgres or NATS unavailable, skipped (runs under CI=true)");

let cluster: Cluster;
let starting: Promise<Cluster> | undefined;
const alice = Signer.fromSeed("cairn dev 0");
const bob = Signer.fromSeed("cairn dev 1");

beforeAll(async () => {
  if (!available) return;
  starting = startCluster({ databaseUrl: pg!, natsUrl: nats.url, httpPort: 18280, grpcPortBase: 28361, metricsPortBase: 9661, gateways: 2, accountHistories: 2, say: () => {} });
  cluster = await starting;
}, 240_000);
afterAll(async () => {
  // Also a start still under way when beforeAll gave up (a loaded machine): its database and
  // stream on the shared servers go with it (a start that fails stops itself).
  await (await starting?.catch(() => undefined))?.stop();
}, 240_000);

async function transfer(url: string, value: string) {
  const provider = new Provider([url]);
  alice.provider = provider;
  const koin = new Contract({ id: KOIN, abi: utils.tokenAbi, provider, signer: alice });
  const { transaction } = await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value });
  return { id: transaction!.id!, mined: await transaction!.wait("byTransactionId", 30_000) };
}

async function history(url: string): Promise<string[]> {
  const r = await rpc(url, "account_history.get_account_history", { address: bob.getAddress(), limit: 500, ascending: true });
  return ((r.result?.values as { trx?: { transaction: { id: string } } }[]) ?? []).flatMap((v) => (v.trx ? [v.trx.transaction.id] : []));
}

describe.skipIf(!available)("multi-process node on Postgres and NATS", () => {
  test("two gateways and two account-history instances agree", async () => {
    const [g1, g2] = cluster.gatewayUrls;
    const { id } = await transfer(g1!, "101");
    const h1 = await eventually(async () => ((await history(g1!)).includes(id) ? history(g1!) : undefined), 20_000, "history via gateway 1");
    const h2 = await eventually(async () => ((await history(g2!)).includes(id) ? history(g2!) : undefined), 20_000, "history via gateway 2");
    expect(h2).toEqual(h1);
    const head1 = (await rpc(g1!, "chain.get_head_info")).result;
    const head2 = (await rpc(g2!, "chain.get_head_info")).result;
    expect(head2).toEqual(head1);
  });

  test.skipIf(!promtool)("every service's /metrics is promtool-clean, with NATS state, consumer lag and head age", async () => {
    const endpoints = { ...cluster.metricsUrls, ...Object.fromEntries(cluster.gatewayUrls.map((u, i) => [`gateway-${i + 1}`, `${u}/metrics`])) };
    const texts: Record<string, string> = {};
    for (const [name, url] of Object.entries(endpoints)) {
      texts[name] = await (await fetch(url)).text();
      expect(`${name}: ${await promtoolProblems(promtool!, texts[name]!)}`).toBe(`${name}: `);
    }
    for (const name of Object.keys(cluster.metricsUrls)) expect(sampleValue(texts[name]!, "cairn_nats_connected")).toBe(1);
    expect(sampleValue(texts["gateway-1"]!, "cairn_nats_connected")).toBe(1);
    // Durable consumers report their lag (a number, normally 0 on an idle node).
    for (const [name, consumer] of [["block-store", "block_store"], ["account-history-1", "account_history"], ["mempool", "mempool"]] as const) {
      expect(`${name}: ${sampleValue(texts[name]!, "cairn_jetstream_consumer_pending_messages", { consumer }) !== undefined}`).toBe(`${name}: true`);
    }
    expect(sampleValue(texts.chain!, "cairn_chain_head_block_age_seconds")).toBeGreaterThanOrEqual(0);
  });

  for (const name of ["block-store", "mempool", "account-history-1", "chain", "block-producer", "gateway-2"]) {
    test(`${name} killed and started again: the node recovers`, async () => {
      const [g1, g2] = cluster.gatewayUrls;
      const svc = cluster.services.get(name)!;
      await svc.kill();
      if (name === "account-history-1") {
        // Blocks keep coming while it is down; its durable consumer delivers them on return.
        const { id } = await transfer(g2!, "5");
        await svc.restart();
        await eventually(async () => ((await history(g1!)).includes(id) ? true : undefined), 30_000, "account history to catch up");
        expect(await history(g1!)).toEqual(await history(g2!));
        return;
      }
      await svc.restart();
      const url = name === "gateway-2" ? g2! : g1!;
      const { id, mined } = await transfer(url, "7");
      expect(mined.blockNumber).toBeGreaterThan(0);
      const txs = await rpc(url, "transaction_store.get_transactions_by_id", { transaction_ids: [id] });
      expect((txs.result?.transactions as unknown[]).length).toBe(1);
      await eventually(async () => ((await history(g1!)).includes(id) && (await history(g2!)).includes(id) ? true : undefined), 30_000, "history on both instances");
    });
  }
});
