/**
 * Backpressure in the multi-process node: the chain receipts no more transactions than the
 * mempool will keep. With a mempool of 20 places and blocks only on request, a burst of transfers
 * through the gateway gets at most 20 receipts; the others are refused with "too many
 * transactions awaiting the mempool" (nothing accepted: the client tries again later), and every
 * receipted transfer ends pending and then in a block — the mempool refuses none as `pool_full`.
 * Once a block empties the pool, the refused transfers sent again are accepted and included.
 * Needs Postgres and NATS: under CI=true it runs (and fails without them); elsewhere it is skipped
 * with a printed notice when they are missing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fromBase64url, toHex } from "@cairn/core";
import { natsTestTarget } from "@cairn/bus/testing";
import { postgresTestUrl } from "@cairn/db/testing";
import { block_producer, protocol, token } from "@cairn/proto";
import { KoinEntryPoint, addressFromBase58, addressFromPrivateKey, buildTransaction, privateKeyFromSeed, toKoinosJson } from "@cairn/protocol";
import { createGrpcClient } from "@cairn/rpc";
import { type Cluster, startCluster } from "../../scripts/lib/cluster.ts";
import { sampleValue } from "./promtool.ts";
import { eventually, rpc } from "./target.ts";

const KOIN = addressFromBase58("15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL");
const SEED = "cairn dev";
const CAPACITY = 20;
/** Dev accounts sending at once, and transfers each sends (nonces 1…) until one is refused. */
const SENDERS = 10;
const PER_SENDER = 6;

const pg = await postgresTestUrl();
const nats = await natsTestTarget();
const available = pg !== undefined && nats.available;
if (!available) console.warn("cluster backpressure e2e: Postgres or NATS unavailable, skipped (runs under CI=true)");

let cluster: Cluster;
let starting: Promise<Cluster> | undefined;
beforeAll(async () => {
  if (!available) return;
  starting = startCluster({
    databaseUrl: pg!,
    natsUrl: nats.url,
    httpPort: 18380,
    // Below the ephemeral port range (32768…60999): a busy machine's outgoing connections cannot hold them.
    grpcPortBase: 28471,
    metricsPortBase: 9771,
    mode: "manual",
    serviceEnv: { mempool: { CAIRN_MEMPOOL_LIMITS_MAX_PENDING_TRANSACTIONS: String(CAPACITY) } },
    say: () => {},
  });
  cluster = await starting;
}, 240_000);
afterAll(async () => {
  await (await starting?.catch(() => undefined))?.stop();
}, 240_000);

function transfer(chainId: Uint8Array, from: number, nonce: bigint): protocol.Transaction {
  const key = privateKeyFromSeed(`${SEED} ${from}`);
  const to = addressFromPrivateKey(privateKeyFromSeed(`${SEED} ${(from + 1) % SENDERS}`));
  const args = token.TransferArguments.encode(token.TransferArguments.fromPartial({ from: addressFromPrivateKey(key), to, value: 1n })).finish();
  const op = protocol.Operation.fromPartial({ call_contract: { contract_id: KOIN, entry_point: KoinEntryPoint.transfer, args } });
  return buildTransaction({ chainId, nonce, rcLimit: 10_000_000n, operations: [op] }, key);
}

const hex = (tx: protocol.Transaction) => `0x${toHex(tx.id)}`;

describe.skipIf(!available)("multi-process node: backpressure from the mempool", () => {
  test("a burst past the mempool's capacity: receipts only for what the mempool keeps, the rest refused and accepted on a retry", async () => {
    const url = cluster.gatewayUrls[0]!;
    const submit = (tx: protocol.Transaction) => rpc(url, "chain.submit_transaction", { transaction: toKoinosJson("cairn.protocol.v1.Transaction", tx), broadcast: true });
    const chainId = fromBase64url((await rpc(url, "chain.get_chain_id")).result!.chain_id as string);
    const accepted: protocol.Transaction[] = [];
    const refused: protocol.Transaction[] = [];
    const refusals: string[] = [];
    // Every sender at once, each its nonces in order until the first refusal.
    await Promise.all(
      Array.from({ length: SENDERS }, async (_, from) => {
        for (let n = 1n; n <= BigInt(PER_SENDER); n++) {
          const tx = transfer(chainId, from, n);
          const res = await submit(tx);
          if (res.error) {
            refused.push(tx);
            refusals.push(res.error.message);
            return;
          }
          accepted.push(tx);
        }
      }),
    );
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThanOrEqual(CAPACITY);
    expect(refused.length).toBeGreaterThan(0);
    for (const m of refusals) expect(m).toMatch(/^too many transactions awaiting the mempool \(\d+ accepted and not yet taken, room for \d+ more\), try again shortly$/);

    // Every receipted transfer is pending: none was refused by the mempool.
    const pendingIds = async () => (((await rpc(url, "mempool.get_pending_transactions", { limit: 100 })).result?.pending_transactions as { transaction: { id: string } }[]) ?? []).map((p) => p.transaction.id);
    await eventually(async () => {
      const ids = await pendingIds();
      return accepted.every((tx) => ids.includes(hex(tx))) ? true : undefined;
    }, 30_000, "every accepted transfer pending");
    const poolFull = async () => sampleValue(await (await fetch(cluster.metricsUrls.mempool!)).text(), "cairn_mempool_rejected_total", { reason: "pool_full" }) ?? 0;
    expect(await poolFull()).toBe(0);

    // A block takes them; the refused ones, sent again, are accepted now and land in the next block.
    const producer = createGrpcClient(block_producer.BlockProducerServiceDefinition, cluster.services.get("block-producer")!.address);
    try {
      const included = async (txs: protocol.Transaction[]) => {
        const r = await rpc(url, "transaction_store.get_transactions_by_id", { transaction_ids: txs.map(hex) });
        return ((r.result?.transactions as unknown[]) ?? []).length;
      };
      expect((await producer.produceBlock({})).transaction_count).toBe(accepted.length);
      await eventually(async () => ((await included(accepted)) === accepted.length ? true : undefined), 30_000, "the accepted transfers in the transaction store");
      await eventually(async () => ((await pendingIds()).length === 0 ? true : undefined), 30_000, "an empty mempool");
      for (const tx of refused) expect((await submit(tx)).error).toBeUndefined();
      await eventually(async () => {
        const ids = await pendingIds();
        return refused.every((tx) => ids.includes(hex(tx))) ? true : undefined;
      }, 30_000, "the retried transfers pending");
      expect((await producer.produceBlock({})).transaction_count).toBe(refused.length);
      await eventually(async () => ((await included(refused)) === refused.length ? true : undefined), 30_000, "the retried transfers in the transaction store");
      expect(await poolFull()).toBe(0);
    } finally {
      producer.close();
    }
  }, 120_000);
});
