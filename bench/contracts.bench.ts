#!/usr/bin/env bun
/**
 * WASM token transfers per second next to native KOIN transfers, in the same run, on the
 * one-process node, end to end: transactions signed ahead of time, submitted over JSON-RPC by one
 * worker per account (nonces in order), counted once every one is in a block. The token is the
 * @koinos/sdk-as contract of the test suite (`services/chain/test-contracts/token.ts`), compiled
 * with the Koinos build flags. Target: WASM ≥ 50% of the native rate. `in_process` applies the
 * same kinds of transfers in blocks built by the chain controller itself, without RPC, mempool or
 * bus: the cost of contract execution next to native KOIN.
 *
 *   bun bench/contracts.bench.ts [--accounts 40] [--per-account 50] [--warm-up 3] [--rounds 5]
 *     [--in-process-rounds 20] [--in-process-block 100]
 */
import { fromBase64url, silentLogger } from "@cairn/core";
import { createTestChain } from "@cairn/chain/testing";
import { compileTestContract } from "@cairn/chain/testing/contracts";
import { devOptionsSchema, startDevNode } from "@cairn/cli";
import { protocol, token } from "@cairn/proto";
import { KoinEntryPoint, addressFromBase58, addressToBase58, addressFromPrivateKey, buildTransaction, privateKeyFromSeed, toKoinosJson } from "@cairn/protocol";

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const ACCOUNTS = arg("accounts", 40);
const PER = arg("per-account", 50);
const WARM = arg("warm-up", 3);
const ROUNDS = arg("rounds", 5);
const IN_PROCESS_ROUNDS = arg("in-process-rounds", 20);
const IN_PROCESS_BLOCK = arg("in-process-block", 100);
const KOIN = addressFromBase58("15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL");

async function rpc<T>(url: string, method: string, params: unknown): Promise<T> {
  const res = await fetch(url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** One worker per account, each sending its bodies in order; resolves with elapsed ms. */
async function drive(url: string, bodies: string[][]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    bodies.map(async (list) => {
      for (const b of list) {
        const r = (await (await fetch(url, { method: "POST", body: b })).json()) as { error?: { message: string } };
        if (r.error) throw new Error(r.error.message);
      }
    }),
  );
  return performance.now() - t0;
}

const submitBody = (tx: protocol.Transaction, id: number) =>
  JSON.stringify({ jsonrpc: "2.0", id, method: "chain.submit_transaction", params: { transaction: toKoinosJson("cairn.protocol.v1.Transaction", tx), broadcast: true } });

async function balanceOf(url: string, contract: Uint8Array, owner: Uint8Array): Promise<bigint> {
  const args = Buffer.from(token.BalanceOfArguments.encode({ owner }).finish()).toString("base64url");
  const r = await rpc<{ result?: string }>(url, "chain.read_contract", { contract_id: addressToBase58(contract), entry_point: KoinEntryPoint.balance_of, args });
  return r.result ? token.Uint64Result.decode(fromBase64url(r.result)).value : 0n;
}

/** Waits until the transaction is in a block (the transaction store names its block). */
async function mined(url: string, tx: protocol.Transaction): Promise<void> {
  const id = `0x${Buffer.from(tx.id).toString("hex")}`;
  const t0 = performance.now();
  for (;;) {
    const r = await rpc<{ transactions?: { containing_blocks?: string[] }[] }>(url, "transaction_store.get_transactions_by_id", { transaction_ids: [id] });
    if (r.transactions?.[0]?.containing_blocks?.length) return;
    if (performance.now() - t0 > 60_000) throw new Error(`transaction ${id} not in a block within a minute`);
    await Bun.sleep(20);
  }
}

/** Waits until `owner`'s balance in `contract` reaches `target`; resolves with elapsed ms since t0. */
async function until(url: string, contract: Uint8Array, owner: Uint8Array, target: bigint, t0: number): Promise<number> {
  for (;;) {
    if ((await balanceOf(url, contract, owner)) >= target) return performance.now() - t0;
    if (performance.now() - t0 > 300_000) throw new Error("transfers not all mined within 5 minutes");
    await Bun.sleep(20);
  }
}

const bytecode = await compileTestContract("token");
const node = await startDevNode(devOptionsSchema.parse({ memory: true, port: 0, grpcPortBase: 0, accounts: ACCOUNTS + 2, logLevel: "error" }), silentLogger());
const chainId = fromBase64url((await rpc<{ chain_id: string }>(node.url, "chain.get_chain_id", {})).chain_id);
const keys = Array.from({ length: ACCOUNTS + 2 }, (_, i) => privateKeyFromSeed(`cairn dev ${i}`));
const addresses = keys.map(addressFromPrivateKey);
const receiver = addresses[ACCOUNTS]!;
const owner = ACCOUNTS + 1;
const tokenId = addresses[owner]!;

// Deploy the token at the owner's address and mint to every sender, in one transaction each. A
// submission is applied to the head state, so the mint waits until the upload is in a block.
const op = (o: Partial<protocol.Operation>) => protocol.Operation.fromPartial(o);
const call = (contract: Uint8Array, entryPoint: number, args: Uint8Array) => op({ call_contract: { contract_id: contract, entry_point: entryPoint, args } });
const deploy = buildTransaction({ chainId, nonce: 1n, rcLimit: 100_000_000n, operations: [op({ upload_contract: protocol.UploadContractOperation.fromPartial({ contract_id: tokenId, bytecode }) })] }, keys[owner]!);
await rpc(node.url, "chain.submit_transaction", { transaction: toKoinosJson("cairn.protocol.v1.Transaction", deploy), broadcast: true });
await mined(node.url, deploy);
const mints = addresses.slice(0, ACCOUNTS).map((to) => call(tokenId, KoinEntryPoint.mint, token.MintArguments.encode({ to, value: 1_000_000n }).finish()));
const mint = buildTransaction({ chainId, nonce: 2n, rcLimit: 500_000_000n, operations: mints }, keys[owner]!);
await rpc(node.url, "chain.submit_transaction", { transaction: toKoinosJson("cairn.protocol.v1.Transaction", mint), broadcast: true });
await mined(node.url, mint);

// Sign everything ahead, in nonce order per account. The two kinds alternate in ROUNDS rounds
// (KOIN batch, token batch, KOIN batch, …) so that both see the same load on a shared machine,
// after a warm-up batch of each that is not timed (neither pays for the first calls' compilation).
const transfer = (contract: Uint8Array, a: number, nonce: number) =>
  buildTransaction(
    { chainId, nonce: BigInt(nonce), rcLimit: 10_000_000n, operations: [call(contract, KoinEntryPoint.transfer, token.TransferArguments.encode({ from: addresses[a]!, to: receiver, value: 1n }).finish())] },
    keys[a]!,
  );
let nextNonce = 1;
const signed = (contract: Uint8Array, count: number) => {
  const first = nextNonce;
  nextNonce += count;
  return Array.from({ length: ACCOUNTS }, (_, a) => Array.from({ length: count }, (_, i) => submitBody(transfer(contract, a, first + i), i)));
};
const perRound = Math.max(1, Math.round(PER / ROUNDS));
const plan: { contract: Uint8Array; timed: boolean; bodies: string[][] }[] = [];
if (WARM > 0) plan.push({ contract: KOIN, timed: false, bodies: signed(KOIN, WARM) }, { contract: tokenId, timed: false, bodies: signed(tokenId, WARM) });
for (let r = 0; r < ROUNDS; r++) plan.push({ contract: KOIN, timed: true, bodies: signed(KOIN, perRound) }, { contract: tokenId, timed: true, bodies: signed(tokenId, perRound) });

/** Submits one batch and waits until all of it is in blocks; resolves with its timings. */
async function batch(contract: Uint8Array, bodies: string[][]) {
  const count = bodies.reduce((n, l) => n + l.length, 0);
  const start = await balanceOf(node.url, contract, receiver);
  const t0 = performance.now();
  const submitMs = await drive(node.url, bodies);
  const endMs = await until(node.url, contract, receiver, start + BigInt(count), t0);
  return { count, submitMs, endMs };
}

const sums = new Map<Uint8Array, { count: number; submitMs: number; endMs: number; rounds: number[] }>([
  [KOIN, { count: 0, submitMs: 0, endMs: 0, rounds: [] }],
  [tokenId, { count: 0, submitMs: 0, endMs: 0, rounds: [] }],
]);
for (const step of plan) {
  const b = await batch(step.contract, step.bodies);
  if (!step.timed) continue;
  const s = sums.get(step.contract)!;
  s.count += b.count;
  s.submitMs += b.submitMs;
  s.endMs += b.endMs;
  s.rounds.push(Math.round(b.count / (b.endMs / 1000)));
}
const report = (s: { count: number; submitMs: number; endMs: number; rounds: number[] }) => ({
  transfers: s.count,
  submitted_in_ms: Math.round(s.submitMs),
  in_blocks_in_ms: Math.round(s.endMs),
  transfers_per_second: Math.round(s.count / (s.endMs / 1000)),
  per_round: s.rounds,
});
const koin = report(sums.get(KOIN)!);
const wasmToken = report(sums.get(tokenId)!);
const total = koin.transfers;
await node.stop();

/**
 * The same transfers applied in process (blocks built and applied by the chain controller, no
 * RPC, mempool or bus): what contract execution itself costs next to native KOIN, which the
 * end-to-end figure hides behind the node's per-transaction overhead.
 */
async function inProcess() {
  const t = await createTestChain();
  const accounts = t.dev.accounts;
  const nonces = new Map<number, bigint>();
  const signedBy = (from: number, ops: protocol.Operation[]) => {
    const a = accounts[from]!;
    const nonce = (nonces.get(from) ?? 0n) + 1n;
    nonces.set(from, nonce);
    return buildTransaction({ chainId: t.chain.rules.chainId, nonce, rcLimit: 50_000_000n, operations: ops }, a.privateKey);
  };
  const tokenAt = accounts[3]!.address;
  await t.produce([signedBy(3, [op({ upload_contract: protocol.UploadContractOperation.fromPartial({ contract_id: tokenAt, bytecode }) })])]);
  await t.produce([signedBy(3, accounts.map((a) => call(tokenAt, KoinEntryPoint.mint, token.MintArguments.encode({ to: a.address, value: 1_000_000_000n }).finish())))]);
  const to = accounts[0]!.address;
  const blockOf = (contract: Uint8Array) =>
    Array.from({ length: IN_PROCESS_BLOCK }, (_, i) => {
      const from = 1 + (i % (accounts.length - 1));
      return signedBy(from, [call(contract, KoinEntryPoint.transfer, token.TransferArguments.encode({ from: accounts[from]!.address, to, value: 1n }).finish())]);
    });
  const ms = new Map<Uint8Array, number>([
    [KOIN, 0],
    [tokenAt, 0],
  ]);
  for (let r = 0; r < IN_PROCESS_ROUNDS + 1; r++) {
    for (const contract of [KOIN, tokenAt]) {
      const txs = blockOf(contract);
      const t0 = performance.now();
      const receipt = await t.produce(txs);
      if (receipt.transaction_receipts.some((x) => x.reverted)) throw new Error("an in-process transfer reverted");
      if (r > 0) ms.set(contract, ms.get(contract)! + performance.now() - t0);
    }
  }
  const count = IN_PROCESS_ROUNDS * IN_PROCESS_BLOCK;
  const nativeRate = Math.round(count / (ms.get(KOIN)! / 1000));
  const wasmRate = Math.round(count / (ms.get(tokenAt)! / 1000));
  return { transfers_each: count, native_koin_per_second: nativeRate, wasm_token_per_second: wasmRate, wasm_to_native_ratio: Number((wasmRate / nativeRate).toFixed(3)) };
}
const applied = await inProcess();
console.log(
  JSON.stringify(
    {
      transfers_each: total,
      accounts: ACCOUNTS,
      rounds: ROUNDS,
      native_koin: koin,
      wasm_token: wasmToken,
      wasm_to_native_ratio: Number((wasmToken.transfers_per_second / koin.transfers_per_second).toFixed(3)),
      in_process: applied,
      rss_mb: Math.round(process.memoryUsage().rss / 1e6),
    },
    null,
    2,
  ),
);
process.exit(0);
