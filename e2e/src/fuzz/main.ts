#!/usr/bin/env bun
/**
 * `bun run test:fuzz`: hostile input against a whole node. Starts a one-process dev node
 * (in-memory PGlite, in-process bus, instant blocks), then sends generated JSON-RPC / REST
 * requests to its gateway and random or mutated protobuf to every gRPC method of its services,
 * while valid transfers and reads run alongside. Fails unless there were 0 crashes, 0 unhandled
 * exceptions (an "internal error" answer, a logged unexpected failure, an uncaught exception or
 * rejection, a 5xx, a stack trace in an answer), every valid call succeeded and every valid
 * transfer was mined, and the heap stayed bounded.
 *
 *   bun run test:fuzz                      release form: 100,000 JSON-RPC + 20,000 gRPC inputs
 *   bun run test:fuzz --quick              bounded form for CI (a few minutes): 12,000 + 3,000
 *   FUZZ_JSONRPC=N FUZZ_GRPC=N FUZZ_SEED=N override counts and the seed (a run replays by seed)
 */
import { Writable } from "node:stream";
import * as grpc from "@grpc/grpc-js";
import { type Logger, createLogger, fromBase64url } from "@cairn/core";
import { type DevNode, devOptionsSchema, startDevNode } from "@cairn/cli";
import { protocol, token } from "@cairn/proto";
import { KoinEntryPoint, addressFromBase58, addressFromPrivateKey, buildTransaction, decodeNonce, privateKeyFromSeed, toKoinosJson } from "@cairn/protocol";
import { DEFAULT_MAX_BODY_BYTES } from "../../../gateway/src/options.ts";
import { grpcBody, grpcTargets } from "./grpc-cases.ts";
import { type CaseContext, type HttpCase, methodSchemas, nextCase } from "./jsonrpc-cases.ts";
import { Random } from "./random.ts";

const quick = process.argv.includes("--quick") || process.env.FUZZ_QUICK === "1";
const JSONRPC_COUNT = Number(process.env.FUZZ_JSONRPC ?? (quick ? 12_000 : 100_000));
const GRPC_COUNT = Number(process.env.FUZZ_GRPC ?? (quick ? 3_000 : 20_000));
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000_007);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 8);
/** Largest heap growth allowed between the end of warm-up and the end of the run. */
const MAX_HEAP_GROWTH_MB = Number(process.env.FUZZ_MAX_HEAP_GROWTH_MB ?? 150);
const SEED_PHRASE = "cairn dev";
const PROGRESS_EVERY = Number(process.env.FUZZ_PROGRESS ?? 1000);
const KOIN = addressFromBase58("15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL");
const INTERNAL_MESSAGE = "An internal server error has occurred";
/** Log messages that mean a handler threw something it did not expect. */
const UNEXPECTED_LOGS = new Set([
  "grpc call failed",
  "call failed unexpectedly",
  "unhandled error in route",
  "unhandled error in JSON-RPC",
  "rest call failed unexpectedly",
  "rest route failed unexpectedly",
]);

/** Tallies of the run. */
const report = {
  tried: { jsonrpc: 0, grpc: 0, valid: 0 },
  kinds: new Map<string, number>(),
  grpcCodes: new Map<string, number>(),
  failures: [] as string[],
  timeouts: 0,
  uncaught: 0,
  validFailures: 0,
  errorLogs: new Map<string, number>(),
};
const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const fail = (what: string) => {
  report.failures.push(what.slice(0, 400));
  // Print as they happen (the first few dozen), so a long run shows trouble early.
  if (report.failures.length <= 30) console.log(`FAIL ${what.slice(0, 400)}`);
};

process.on("uncaughtException", (e) => {
  report.uncaught++;
  fail(`uncaught exception: ${String(e)}`);
});
process.on("unhandledRejection", (e) => {
  report.uncaught++;
  fail(`unhandled rejection: ${String(e)}`);
});

/** A logger that counts error lines (and keeps the unexpected-failure ones). */
function countingLogger(): Logger {
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n")) {
        if (line === "") continue;
        try {
          const entry = JSON.parse(line) as { level: number; msg?: string; err?: unknown; method?: string };
          if (entry.level >= 50) {
            count(report.errorLogs, entry.msg ?? "");
            if (UNEXPECTED_LOGS.has(entry.msg ?? "")) fail(`logged: ${entry.msg} ${entry.method ?? ""} ${JSON.stringify(entry.err ?? "")}`);
          }
        } catch {
          // not JSON: ignore
        }
      }
      done();
    },
  });
  return createLogger({ level: "error", destination: sink });
}

function heapMb(): number {
  Bun.gc(true);
  return process.memoryUsage().heapUsed / 1_048_576;
}

// ------------------------------------------------------------------------------------ traffic

async function rpc(url: string, method: string, params: unknown): Promise<{ result?: Record<string, unknown>; error?: { code: number; message: string; data?: string } }> {
  const res = await fetch(url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return (await res.json()) as never;
}

function transfer(chainId: Uint8Array, from: number, to: number, nonce: bigint, value = 1n): protocol.Transaction {
  const key = privateKeyFromSeed(`${SEED_PHRASE} ${from}`);
  const args = token.TransferArguments.encode({ from: addressFromPrivateKey(key), to: addressFromPrivateKey(privateKeyFromSeed(`${SEED_PHRASE} ${to}`)), value }).finish();
  const op = protocol.Operation.fromPartial({ call_contract: { contract_id: KOIN, entry_point: KoinEntryPoint.transfer, args } });
  return buildTransaction({ chainId, nonce, rcLimit: 100_000_000n, operations: [op] }, key);
}

async function accountNonce(url: string, account: number): Promise<bigint> {
  const address = addressFromPrivateKey(privateKeyFromSeed(`${SEED_PHRASE} ${account}`));
  const r = await rpc(url, "chain.get_account_nonce", { account: toKoinosJson("cairn.chain.v1.GetAccountNonceRequest", { account: address }).account });
  const nonce = r.result?.nonce as string | undefined;
  if (nonce === undefined) return 0n;
  return decodeNonce(fromBase64url(nonce));
}

/** Valid transfers (accounts 0 and 1, explicit nonces) and reads until `stop` resolves. */
async function validTraffic(url: string, chainId: Uint8Array, stop: Promise<void>): Promise<{ ids: string[]; sent: Map<number, bigint> }> {
  let stopped = false;
  void stop.then(() => (stopped = true));
  const ids: string[] = [];
  const sent = new Map<number, bigint>();
  for (const a of [0, 1]) sent.set(a, await accountNonce(url, a));
  while (!stopped) {
    for (const from of [0, 1]) {
      const nonce = sent.get(from)! + 1n;
      const tx = transfer(chainId, from, 1 - from, nonce);
      report.tried.valid++;
      const r: Awaited<ReturnType<typeof rpc>> = await rpc(url, "chain.submit_transaction", { transaction: toKoinosJson("cairn.protocol.v1.Transaction", tx), broadcast: true }).catch((e: unknown) => ({ error: { code: 0, message: String(e) } }));
      if (r.error !== undefined || r.result?.receipt === undefined) {
        report.validFailures++;
        fail(`valid transfer ${from}#${nonce} failed: ${JSON.stringify(r.error)}`);
        continue;
      }
      sent.set(from, nonce);
      ids.push(toKoinosJson("cairn.protocol.v1.Transaction", tx).id as string);
    }
    report.tried.valid++;
    const head = await rpc(url, "chain.get_head_info", {}).catch(() => ({ result: undefined }));
    if (head.result?.head_topology === undefined) {
      report.validFailures++;
      fail("valid get_head_info failed");
    }
    await Bun.sleep(50);
  }
  return { ids, sent };
}

/** Waits until every valid transfer is in a block and the nonces match what was sent. */
async function checkMined(url: string, ids: string[], sent: Map<number, bigint>): Promise<void> {
  const deadline = Date.now() + 60_000;
  let missing = ids;
  while (missing.length > 0 && Date.now() < deadline) {
    const still: string[] = [];
    for (let i = 0; i < missing.length; i += 500) {
      const batch = missing.slice(i, i + 500);
      const r = await rpc(url, "transaction_store.get_transactions_by_id", { transaction_ids: batch });
      const found = new Set(((r.result?.transactions as { transaction: { id: string }; containing_blocks?: string[] }[]) ?? []).filter((t) => (t.containing_blocks ?? []).length > 0).map((t) => t.transaction.id));
      for (const id of batch) if (!found.has(id)) still.push(id);
    }
    missing = still;
    if (missing.length > 0) await Bun.sleep(500);
  }
  if (missing.length > 0) fail(`${missing.length} acknowledged valid transfers never mined (e.g. ${missing[0]})`);
  for (const [account, nonce] of sent) {
    const onChain = await accountNonce(url, account);
    if (onChain !== nonce) fail(`account ${account}: nonce ${onChain} on chain, ${nonce} sent`);
  }
}

// ------------------------------------------------------------------------------------ fuzzing

function inspectHttp(c: HttpCase, status: number, text: string): void {
  if (status >= 500 && !(c.path === "/health" && status === 503)) fail(`${c.kind}: HTTP ${status} for ${c.method} ${c.path.slice(0, 80)}: ${text.slice(0, 200)}`);
  if (/\n\s+at /.test(text)) fail(`${c.kind}: stack trace in answer: ${text.slice(0, 300)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return;
  }
  for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
    const error = (item as { error?: { code?: number; message?: string; data?: string } } | null)?.error;
    if (error === undefined || error === null) continue;
    if (error.message === INTERNAL_MESSAGE && error.data === undefined) fail(`${c.kind}: internal error answer for ${typeof c.body === "string" ? c.body.slice(0, 200) : c.path}`);
    if (typeof error.data === "string" && error.data.includes("deadline exceeded")) report.timeouts++;
  }
}

/** The last requests sent, to show what preceded a node that stopped answering. */
const recent: string[] = [];
const describeCase = (c: HttpCase) => `${c.kind} ${c.method} ${c.path.slice(0, 60)} ${typeof c.body === "string" ? c.body.slice(0, 160) : c.body === undefined ? "" : `<${c.body instanceof Uint8Array ? `${c.body.length} bytes` : "stream"}>`}`;

async function fuzzHttp(url: string, r: Random, ctx: CaseContext, total: number): Promise<void> {
  let next = 0;
  let unreachable = 0;
  const worker = async () => {
    while (next < total && unreachable < 20) {
      next++;
      let c: HttpCase;
      try {
        c = nextCase(r, ctx);
      } catch (e) {
        fail(`fuzzer: case generation failed: ${String(e)}`);
        continue;
      }
      count(report.kinds, `jsonrpc:${c.kind}`);
      const n = ++report.tried.jsonrpc;
      recent.push(describeCase(c));
      if (recent.length > 24) recent.shift();
      try {
        const res = await fetch(url + c.path, { method: c.method, body: c.body, headers: { "content-type": "application/json" }, signal: AbortSignal.timeout(60_000) });
        inspectHttp(c, res.status, await res.text());
        unreachable = 0;
      } catch (e) {
        // A server may refuse an oversized body by answering and closing before reading it all.
        if (c.kind === "oversized" && /ECONNRESET|closed/.test(String(e))) count(report.kinds, "oversized:connection-closed");
        else {
          fail(`${c.kind}: no answer: ${String(e)} for ${describeCase(c)}`);
          if (/ECONNREFUSED/.test(String(e)) && ++unreachable === 20) {
            fail(`the gateway stopped listening; the last requests were:\n  ${recent.join("\n  ")}`);
            console.log(`the last requests before the gateway stopped listening:\n  ${recent.join("\n  ")}`);
          }
        }
      }
      if (n % PROGRESS_EVERY === 0) console.log(`fuzz: ${n} HTTP inputs, ${report.failures.length} failures`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (unreachable >= 20) throw new Error("the gateway stopped listening");
}

async function fuzzGrpc(node: DevNode, r: Random, total: number): Promise<void> {
  const portOf: Record<string, number | null | undefined> = {
    "cairn.chain.v1.ChainService": node.grpcPorts.chain,
    "cairn.contract_meta_store.v1.ContractMetaStoreService": node.grpcPorts.chain,
    "cairn.block_store.v1.BlockStoreService": node.grpcPorts.blockStore,
    "cairn.transaction_store.v1.TransactionStoreService": node.grpcPorts.blockStore,
    "cairn.mempool.v1.MempoolService": node.grpcPorts.mempool,
    "cairn.account_history.v1.AccountHistoryService": node.grpcPorts.accountHistory,
    "cairn.block_producer.v1.BlockProducerService": node.grpcPorts.blockProducer,
    "grpc.health.v1.Health": node.grpcPorts.chain,
  };
  const targets = grpcTargets().filter((t) => portOf[t.service] !== undefined && portOf[t.service] !== null);
  const clients = new Map<number, grpc.Client>();
  const clientFor = (port: number) => {
    let c = clients.get(port);
    if (c === undefined) clients.set(port, (c = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_send_message_length": 8 * 1024 * 1024 })));
    return c;
  };
  const call = (port: number, path: string, bytes: Uint8Array) =>
    new Promise<{ code: number; details: string }>((resolve) => {
      clientFor(port).makeUnaryRequest(
        path,
        (x: Buffer) => x,
        (x: Buffer) => x,
        Buffer.from(bytes),
        new grpc.Metadata(),
        { deadline: Date.now() + 10_000 },
        (err) => resolve(err ? { code: err.code, details: err.details } : { code: 0, details: "" }),
      );
    });
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const target = r.pick(targets);
      const { kind, bytes } = grpcBody(r, target);
      count(report.kinds, `grpc:${kind}`);
      report.tried.grpc++;
      const { code, details } = await call(portOf[target.service]!, target.path, bytes);
      count(report.grpcCodes, grpc.status[code] ?? String(code));
      if ((code === grpc.status.INTERNAL && details === "internal error") || code === grpc.status.UNKNOWN) fail(`grpc ${target.path} ${kind}: ${grpc.status[code]} ${details}`);
      if (code === grpc.status.DEADLINE_EXCEEDED) report.timeouts++;
      if (target.path.endsWith("/SetProductionMode")) await call(node.grpcPorts.blockProducer!, target.path, protocolMode());
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  for (const c of clients.values()) c.close();
}

/** SetProductionModeRequest{mode: instant}: puts production back after a fuzzed mode change. */
function protocolMode(): Uint8Array {
  return Uint8Array.from([0x08, 0x01]);
}

// ------------------------------------------------------------------------------------ main

async function main(): Promise<number> {
  const r = new Random(SEED);
  console.log(`fuzz: seed ${SEED}, ${JSONRPC_COUNT} HTTP + ${GRPC_COUNT} gRPC inputs, concurrency ${CONCURRENCY}${quick ? " (quick)" : ""}`);
  const node = await startDevNode(devOptionsSchema.parse({ memory: true, port: 0, grpcPortBase: 0, mode: "instant", seed: SEED_PHRASE, logLevel: "error" }), countingLogger());
  const started = Date.now();
  try {
    const url = node.url;
    const chainId = node.chainId;
    const txBase = new Map<number, Record<string, unknown>>();
    for (let a = 2; a < 10; a++) txBase.set(a, toKoinosJson("cairn.protocol.v1.Transaction", transfer(chainId, a, (a + 1) % 10, (await accountNonce(url, a)) + 1n)));
    const ctx: CaseContext = { methods: methodSchemas(), transactions: () => [...txBase.values()], maxBodyBytes: DEFAULT_MAX_BODY_BYTES };

    let stopTraffic!: () => void;
    const trafficStop = new Promise<void>((resolve) => (stopTraffic = resolve));
    const traffic = validTraffic(url, chainId, trafficStop);

    const warmup = Math.min(2_000, Math.floor(JSONRPC_COUNT / 10));
    await fuzzHttp(url, r, ctx, warmup);
    const heapStart = heapMb();
    await fuzzHttp(url, r, ctx, JSONRPC_COUNT - warmup);
    const heapMid = heapMb();
    console.log(`fuzz: HTTP done in ${((Date.now() - started) / 1000).toFixed(0)} s; heap ${heapStart.toFixed(0)} → ${heapMid.toFixed(0)} MB`);
    await fuzzGrpc(node, r, GRPC_COUNT);
    const heapEnd = heapMb();
    console.log(`fuzz: gRPC done in ${((Date.now() - started) / 1000).toFixed(0)} s; heap ${heapEnd.toFixed(0)} MB`);
    if (heapEnd - heapStart > MAX_HEAP_GROWTH_MB) fail(`heap grew ${(heapEnd - heapStart).toFixed(0)} MB (limit ${MAX_HEAP_GROWTH_MB})`);

    stopTraffic();
    const { ids, sent } = await traffic;
    await checkMined(url, ids, sent);
    console.log(`fuzz: ${ids.length} valid transfers mined; heap ${heapStart.toFixed(0)} → ${heapEnd.toFixed(0)} MB; rss ${(process.memoryUsage().rss / 1_048_576).toFixed(0)} MB`);
  } finally {
    await node.stop();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`fuzz: inputs by kind ${JSON.stringify(Object.fromEntries([...report.kinds].sort()))}`);
  console.log(`fuzz: gRPC status codes ${JSON.stringify(Object.fromEntries(report.grpcCodes))}`);
  if (report.errorLogs.size > 0) console.log(`fuzz: error log lines ${JSON.stringify(Object.fromEntries(report.errorLogs))}`);
  for (const f of report.failures.slice(30, 200)) console.log(`FAIL ${f}`);
  const crashed = report.failures.length;
  console.log(
    `fuzz: tried ${report.tried.jsonrpc} HTTP + ${report.tried.grpc} gRPC inputs and ${report.tried.valid} valid calls in ${seconds} s (seed ${SEED}); ` +
      `unhandled/crashed ${crashed}, valid failures ${report.validFailures}, timeouts ${report.timeouts}`,
  );
  return crashed === 0 && report.validFailures === 0 ? 0 : 1;
}

process.exit(await main().catch((e: unknown) => (console.error(`fuzz: failed: ${String(e)}`), 2)));
