#!/usr/bin/env bun
/**
 * End-to-end KOIN transfers per second on the one-process node (architecture §9 target ≥ 1,500/s):
 * transfers signed ahead of time, submitted over JSON-RPC by one worker per account (nonces in
 * order), counted once every one is in a block. Baseline in the same run: the same client loop
 * against a bare Bun.serve JSON endpoint, so the figure is reported as a ratio to it.
 *
 *   bun bench/transfers.bench.ts [--accounts 40] [--per-account 50]
 *   BENCH_DATABASE_URL=postgres://…/test bun bench/transfers.bench.ts   (every service on Postgres, in a
 *                                                                       database created for the run and
 *                                                                       dropped after it: see database.ts)
 */
import { protocol, token } from "@cairn/proto";
import { KoinEntryPoint, addressFromBase58, buildTransaction, privateKeyFromSeed, addressFromPrivateKey, toKoinosJson } from "@cairn/protocol";
import { fromBase64url, silentLogger } from "@cairn/core";
import { devOptionsSchema, startDevNode } from "@cairn/cli";
import { benchDatabase } from "./database.ts";

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const ACCOUNTS = arg("accounts", 40);
const PER = arg("per-account", 50);
const KOIN = addressFromBase58("15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL");

async function post(url: string, body: string): Promise<unknown> {
  const res = await fetch(url, { method: "POST", body });
  return res.json();
}

/** One worker per account, each sending its bodies in order; resolves with elapsed ms. */
async function drive(url: string, bodies: string[][]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    bodies.map(async (list) => {
      for (const b of list) {
        const r = (await post(url, b)) as { error?: { message: string } };
        if (r.error) throw new Error(r.error.message);
      }
    }),
  );
  return performance.now() - t0;
}

// Baseline: a bare Bun.serve JSON endpoint, same client pattern and body sizes.
const bare = Bun.serve({ port: 0, fetch: async (req) => Response.json({ jsonrpc: "2.0", id: 1, result: { len: (await req.text()).length } }) });

// BENCH_DATABASE_URL runs every service on Postgres, in a database of this run's own.
const database = await benchDatabase();
const stopDatabase = async () => {
  await node?.stop().catch(() => undefined);
  await database.drop();
};
process.on("SIGINT", () => void stopDatabase().finally(() => process.exit(130)));
let node: Awaited<ReturnType<typeof startDevNode>> | undefined;
try {
  node = await startDevNode(devOptionsSchema.parse({ memory: true, port: 0, grpcPortBase: 0, accounts: ACCOUNTS + 1, logLevel: "error", databaseUrl: database.url }), silentLogger());
} catch (e) {
  await database.drop();
  throw e;
}
/** The measured run, on the started node. */
async function run(node: Awaited<ReturnType<typeof startDevNode>>): Promise<void> {
  const chainIdRes = (await post(node.url, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "chain.get_chain_id", params: {} }))) as { result: { chain_id: string } };
  const chainId = fromBase64url(chainIdRes.result.chain_id);
  const to = addressFromPrivateKey(privateKeyFromSeed(`cairn dev ${ACCOUNTS}`));

  const bodies: string[][] = [];
  const signStart = performance.now();
  for (let a = 0; a < ACCOUNTS; a++) {
    const key = privateKeyFromSeed(`cairn dev ${a}`);
    const from = addressFromPrivateKey(key);
    const list: string[] = [];
    for (let n = 1; n <= PER; n++) {
      const args = token.TransferArguments.encode(token.TransferArguments.fromPartial({ from, to, value: 1n })).finish();
      const op = protocol.Operation.fromPartial({ call_contract: { contract_id: KOIN, entry_point: KoinEntryPoint.transfer, args } });
      const tx = buildTransaction({ chainId, nonce: BigInt(n), rcLimit: 10_000_000n, operations: [op] }, key);
      list.push(JSON.stringify({ jsonrpc: "2.0", id: n, method: "chain.submit_transaction", params: { transaction: toKoinosJson("cairn.protocol.v1.Transaction", tx), broadcast: true } }));
    }
    bodies.push(list);
  }
  const total = ACCOUNTS * PER;
  console.log(`signed ${total} transfers ahead in ${Math.round(performance.now() - signStart)} ms`);

  const baselineMs = await drive(`http://127.0.0.1:${bare.port}`, bodies);
  const baseline = total / (baselineMs / 1000);

  const t0 = performance.now();
  await drive(node.url, bodies);
  const submitMs = performance.now() - t0;
  // Counted once all are in blocks: the receiver's balance has grown by `total`.
  const balanceArgs = Buffer.from(token.BalanceOfArguments.encode({ owner: to }).finish()).toString("base64url");
  const start = BigInt(100_000_000_000_000);
  for (;;) {
    const r = (await post(node.url, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "chain.read_contract", params: { contract_id: "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL", entry_point: KoinEntryPoint.balance_of, args: balanceArgs } }))) as { result: { result: string } };
    const bal = token.Uint64Result.decode(fromBase64url(r.result.result)).value;
    if (bal - start >= BigInt(total)) break;
    if (performance.now() - t0 > 300_000) throw new Error("transfers not all mined within 5 minutes");
    await Bun.sleep(20);
  }
  const endToEndMs = performance.now() - t0;
  const rate = total / (endToEndMs / 1000);
  const head = (await post(node.url, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "chain.get_head_info", params: {} }))) as { result: { head_topology: { height: string } } };
  console.log(
    JSON.stringify(
      {
        database: database.label,
        transfers: total,
        accounts: ACCOUNTS,
        submitted_in_ms: Math.round(submitMs),
        in_blocks_in_ms: Math.round(endToEndMs),
        transfers_per_second: Math.round(rate),
        baseline_bare_bun_serve_requests_per_second: Math.round(baseline),
        ratio_to_baseline: Number((rate / baseline).toFixed(3)),
        blocks: Number(head.result.head_topology.height),
        rss_mb: Math.round(process.memoryUsage().rss / 1e6),
      },
      null,
      2,
    ),
  );
}

try {
  await run(node!);
} finally {
  await stopDatabase();
  bare.stop(true);
}
process.exit(0);
