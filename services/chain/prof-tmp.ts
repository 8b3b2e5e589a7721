import { protocol, token } from "@cairn/proto";
import { KoinEntryPoint, buildTransaction, decodeNonce } from "@cairn/protocol";
import { compileTestContract } from "./src/testing/contracts.ts";
import { KOIN_ID, createTestChain } from "./src/testing/harness.ts";
import { tokenAbi } from "./src/contracts/token-abi.ts";

const t = await createTestChain({ seed: "prof" } as never);
const wasm = await compileTestContract("token");
const owner = t.dev.accounts[3]!;
const id = owner.address;
const N = t.dev.accounts.length;
const op = (c: Uint8Array, e: number, a: Uint8Array) => protocol.Operation.fromPartial({ call_contract: { contract_id: c, entry_point: e, args: a } });
const nonces = new Map<number, bigint>();
const tx = (from: number, ops: protocol.Operation[]) => {
  const a = t.dev.accounts[from]!;
  const n = nonces.get(from) ?? decodeNonce(t.chain.accountNonce(a.address));
  nonces.set(from, n + 1n);
  return buildTransaction({ chainId: t.chain.rules.chainId, nonce: n + 1n, rcLimit: 50_000_000n, operations: ops }, a.privateKey);
};
await t.produce([tx(3, [protocol.Operation.fromPartial({ upload_contract: { contract_id: id, bytecode: wasm, abi: tokenAbi(["transfer", "mint", "balance_of"]) } })])]);
await t.produce([tx(3, t.dev.accounts.map((a) => op(id, KoinEntryPoint.mint, token.MintArguments.encode({ to: a.address, value: 1_000_000n }).finish())))]);
const to = t.dev.accounts[0]!.address;
const transfer = (c: Uint8Array, from: number) => tx(from, [op(c, KoinEntryPoint.transfer, token.TransferArguments.encode({ from: t.dev.accounts[from]!.address, to, value: 1n }).finish())]);
async function run(c: Uint8Array, blocks: number, per: number) {
  const batches = Array.from({ length: blocks }, () => Array.from({ length: per }, (_, i) => transfer(c, 1 + (i % (N - 1)))));
  const t0 = performance.now();
  for (const b of batches) {
    const r = await t.produce(b);
    if (r.transaction_receipts.some((x) => x.reverted)) throw new Error("reverted " + r.transaction_receipts.find((x) => x.reverted)!.logs);
  }
  return ((blocks * per) / (performance.now() - t0)) * 1000;
}
console.log("accounts", N);
if (process.env.READS) {
  const args = token.BalanceOfArguments.encode({ owner: to }).finish();
  for (let r = 0; r < 5; r++) {
    let t0 = performance.now();
    for (let i = 0; i < (process.env.N ? Number(process.env.N) : 2000); i++) t.chain.readContract(id, KoinEntryPoint.balance_of, args);
    const w = (performance.now() - t0) / 2000;
    t0 = performance.now();
    for (let i = 0; i < 2000; i++) t.chain.readContract(KOIN_ID, KoinEntryPoint.balance_of, args);
    const k = (performance.now() - t0) / 2000;
    console.log(`read balance_of: wasm ${(w * 1000).toFixed(1)}us koin ${(k * 1000).toFixed(1)}us`);
  }
  process.exit(0);
}
const ONLY = process.env.ONLY;
if (ONLY) { console.log(ONLY, (await run(ONLY === "koin" ? KOIN_ID : id, 50, 20)).toFixed(0)); process.exit(0); }
for (let round = 0; round < 3; round++) {
  const k = await run(KOIN_ID, 5, 20);
  const w = await run(id, 5, 20);
  console.log(`koin ${k.toFixed(0)}/s wasm ${w.toFixed(0)}/s ratio ${(w / k).toFixed(2)}`);
}
