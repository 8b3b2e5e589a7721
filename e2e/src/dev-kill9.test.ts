/**
 * Durability of `cairn dev --data` under `kill -9`: the dev node runs as a child process on one
 * data directory; several senders submit KOIN transfers over JSON-RPC (each transfer unique, so a
 * lost one can never be stood in for by a resend); at a random moment the node is killed with
 * SIGKILL, then restarted on the same directory — several rounds, with checkpoints every 10 blocks
 * so restarts rebuild from a snapshot plus the journal after it. After each restart every
 * transaction whose receipt was returned must reach a block (instant mode mines what is pending),
 * the head must be at least the highest head a client saw before the kill, the block store must
 * hold the chain's chain, account history must list every acknowledged transfer of its sender,
 * nonces must have reached the acknowledged ones, and balances must still sum to the supply.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Subprocess, spawn } from "bun";
import { fromBase64url, toHex } from "@cairn/core";
import { protocol, token } from "@cairn/proto";
import { KoinEntryPoint, addressFromBase58, addressFromPrivateKey, addressToBase58, buildTransaction, decodeNonce, privateKeyFromSeed, toKoinosJson } from "@cairn/protocol";
import { freePort } from "./chaos/nats-server.ts";

const ROUNDS = Number(process.env.KILL9_ROUNDS ?? 3);
const SENDERS = 4;
const ACCOUNTS = 10;
const SEED = "cairn dev";
const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";
const SUPPLY = BigInt(ACCOUNTS) * 1_000_000n * 100_000_000n;
const MAIN = resolve(import.meta.dir, "../../cli/src/main.ts");

const dir = mkdtempSync(join(tmpdir(), "cairn-kill9-"));
const port = freePort();
const url = `http://127.0.0.1:${port}`;
let child: Subprocess | undefined;
afterAll(() => {
  child?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

type RpcResult = { result?: Record<string, unknown>; error?: { message: string } };
async function rpc(method: string, params: unknown): Promise<RpcResult> {
  const res = await fetch(url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }), signal: AbortSignal.timeout(20_000) });
  return (await res.json()) as RpcResult;
}

async function startNode(): Promise<number> {
  const t0 = performance.now();
  child = spawn(["bun", MAIN, "dev", "--data", dir, "--port", String(port), "--grpc-port-base", "0", "--console", "off", "--accounts", String(ACCOUNTS), "--checkpoint-blocks", "10"], {
    stdout: "ignore",
    stderr: "pipe",
    // `cairn dev` takes DATABASE_URL / NATS_URL from the environment (CI exports them): without
    // this the node would run on that shared Postgres instead of the journal under --data.
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "DATABASE_URL" && k !== "NATS_URL")) as Record<string, string>,
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dev node exited with ${child.exitCode}: ${await new Response(child.stderr as ReadableStream).text()}`);
    const ok = await rpc("chain.get_head_info", {}).then((r) => r.result !== undefined, () => false);
    if (ok) return performance.now() - t0;
    await Bun.sleep(50);
  }
  throw new Error("dev node did not answer within 60 s");
}

async function killNode(): Promise<void> {
  child!.kill("SIGKILL");
  await child!.exited;
  child = undefined;
}

const keys = Array.from({ length: SENDERS }, (_, i) => privateKeyFromSeed(`${SEED} ${i}`));
const addresses = keys.map((k) => addressFromPrivateKey(k));

async function headHeight(): Promise<bigint> {
  const r = await rpc("chain.get_head_info", {});
  return BigInt((r.result as { head_topology: { height: string } }).head_topology.height);
}

async function nonceOf(account: Uint8Array): Promise<bigint> {
  const raw = (await rpc("chain.get_account_nonce", { account: addressToBase58(account) })).result?.nonce as string | undefined;
  return raw === undefined ? 0n : decodeNonce(fromBase64url(raw));
}

async function pendingNonceOf(account: Uint8Array): Promise<bigint> {
  const raw = (await rpc("mempool.get_pending_nonce", { payee: addressToBase58(account) })).result?.nonce as string | undefined;
  return raw === undefined || raw === "" ? 0n : decodeNonce(fromBase64url(raw));
}

interface Acked {
  id: string;
  sender: number;
  nonce: bigint;
}

let unique = 0n;
/**
 * One loop per sender, from the nonce after its confirmed and pending ones, until the node dies.
 * Records each acknowledged transaction and the highest head seen.
 */
async function load(chainId: Uint8Array, acked: Acked[], seen: { head: bigint }): Promise<void> {
  const to = addressFromBase58(KOIN);
  await Promise.all(
    keys.map(async (key, s) => {
      const from = addresses[s]!;
      const confirmed = await nonceOf(from);
      const pending = await pendingNonceOf(from);
      let nonce = (pending > confirmed ? pending : confirmed) + 1n;
      const recipient = addresses[(s + 1) % SENDERS]!;
      for (;;) {
        // A value no other transfer has: a resend after a loss could not take the lost one's id.
        const args = token.TransferArguments.encode({ from, to: recipient, value: 1n + unique++ % 1000n }).finish();
        const op = protocol.Operation.fromPartial({ call_contract: { contract_id: to, entry_point: KoinEntryPoint.transfer, args } });
        const tx = buildTransaction({ chainId, nonce, rcLimit: 10_000_000n, operations: [op] }, key);
        let r: RpcResult;
        try {
          r = await rpc("chain.submit_transaction", { transaction: toKoinosJson("cairn.protocol.v1.Transaction", tx), broadcast: true });
        } catch {
          return; // the node is gone
        }
        if (r.error) throw new Error(`sender ${s} nonce ${nonce}: ${r.error.message}`);
        acked.push({ id: `0x${toHex(tx.id)}`, sender: s, nonce });
        nonce++;
        if (nonce % 8n === 0n) {
          const h = await headHeight().catch(() => 0n);
          if (h > seen.head) seen.head = h;
        }
      }
    }),
  );
}

/** Everything that must hold after a restart (see the file comment); returns the problems found. */
async function check(acked: Acked[], seenHead: bigint): Promise<string[]> {
  const problems: string[] = [];
  const ids = acked.map((a) => a.id);
  const mined = new Set<string>();
  const deadline = Date.now() + 30_000;
  while (mined.size < ids.length && Date.now() < deadline) {
    for (let i = 0; i < ids.length; i += 500) {
      const r = await rpc("transaction_store.get_transactions_by_id", { transaction_ids: ids.slice(i, i + 500) });
      for (const t of (r.result?.transactions as { transaction: { id: string }; containing_blocks?: string[] }[] | undefined) ?? []) {
        if ((t.containing_blocks ?? []).length > 0) mined.add(t.transaction.id);
      }
    }
    if (mined.size < ids.length) await Bun.sleep(200);
  }
  const lost = acked.filter((a) => !mined.has(a.id));
  if (lost.length > 0) problems.push(`${lost.length} acknowledged transactions neither mined nor mined after restart, e.g. ${lost.slice(0, 3).map((a) => `${a.id} (sender ${a.sender}, nonce ${a.nonce})`).join(", ")}`);

  const head = (await rpc("chain.get_head_info", {})).result as { head_topology: { id: string; height: string } };
  const height = BigInt(head.head_topology.height);
  if (height < seenHead) problems.push(`head ${height} is below the head ${seenHead} a client saw before the kill`);
  const highest = (await rpc("block_store.get_highest_block", {})).result as { topology?: { id: string; height: string } };
  if (highest.topology?.id !== head.head_topology.id) problems.push(`block store highest ${highest.topology?.height} is not the chain head ${height}`);
  let walked = 0;
  for (let start = 1n; start <= height; start += 1000n) {
    const r = await rpc("block_store.get_blocks_by_height", { head_block_id: head.head_topology.id, ancestor_start_height: String(start), num_blocks: 1000, return_block: false, return_receipt: false });
    walked += ((r.result?.block_items as unknown[] | undefined) ?? []).length;
  }
  if (BigInt(walked) !== height) problems.push(`block store holds ${walked} of the head's ${height} ancestors`);

  for (let s = 0; s < SENDERS; s++) {
    const mine = acked.filter((a) => a.sender === s);
    const top = mine.reduce((m, a) => (a.nonce > m ? a.nonce : m), 0n);
    const onChain = await nonceOf(addresses[s]!);
    if (onChain < top) problems.push(`sender ${s}: chain nonce ${onChain} below its last acknowledged nonce ${top}`);
    const inHistory = new Set<string>();
    let seq: string | undefined;
    for (let page = 0; page < 100; page++) {
      const h = await rpc("account_history.get_account_history", { address: addressToBase58(addresses[s]!), limit: 500, ascending: true, ...(seq === undefined ? {} : { seq_num: seq }) });
      const values = (h.result?.values as { seq_num?: string; trx?: { transaction?: { id: string } } }[] | undefined) ?? [];
      for (const v of values) if (v.trx?.transaction?.id) inHistory.add(v.trx.transaction.id);
      if (values.length < 500) break;
      seq = String(Number(values.at(-1)!.seq_num ?? 0) + 1);
    }
    const missing = mine.filter((a) => !inHistory.has(a.id));
    if (missing.length > 0) problems.push(`sender ${s}: ${missing.length} acknowledged transfers missing from account history (e.g. ${missing[0]!.id})`);
  }

  let sum = 0n;
  for (let a = 0; a < ACCOUNTS; a++) {
    const res = await fetch(`${url}/v1/accounts/${addressToBase58(addressFromPrivateKey(privateKeyFromSeed(`${SEED} ${a}`)))}/balance`);
    sum += BigInt(((await res.json()) as { value: string }).value);
  }
  if (sum !== SUPPLY) problems.push(`balances sum to ${sum}, the supply is ${SUPPLY}`);
  return problems;
}

test(`kill -9 of cairn dev --data loses nothing acknowledged (${ROUNDS} rounds)`, async () => {
  const acked: Acked[] = [];
  const starts: number[] = [];
  starts.push(await startNode());
  const chainId = fromBase64url(((await rpc("chain.get_chain_id", {})).result as { chain_id: string }).chain_id);
  for (let round = 1; round <= ROUNDS; round++) {
    const seen = { head: 0n };
    const before = acked.length;
    const running = load(chainId, acked, seen);
    await Bun.sleep(400 + Math.floor(Math.random() * 1200));
    const h = await headHeight().catch(() => 0n);
    if (h > seen.head) seen.head = h;
    await killNode();
    await running;
    starts.push(await startNode());
    const problems = await check(acked, seen.head);
    expect({ round, acknowledgedThisRound: acked.length - before > 0, problems }).toEqual({ round, acknowledgedThisRound: true, problems: [] });
  }
  console.log(`kill -9: ${ROUNDS} rounds, ${acked.length} acknowledged transfers, none lost; starts ${starts.map((ms) => `${Math.round(ms)} ms`).join(", ")}`);
}, 120_000);
