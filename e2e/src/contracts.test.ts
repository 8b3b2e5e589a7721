/**
 * WASM contracts built with @koinos/sdk-as, through real koilib 9.1.1 against Cairn: deploy, call
 * write and read-only entry points, events in receipts, account history and the WebSocket, a
 * contract paying with its own KOIN, an `authorize` override, the failure modes, and a standard
 * token used through its ABI exactly as KOIN is. Runs against the one-process node, or against a
 * running cluster with CAIRN_E2E_URL.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { compileTestContract } from "@cairn/chain/testing/contracts";
import { tokenAbi } from "@cairn/chain/token-abi";
import { Contract, Provider, Signer } from "koilib";
import { type E2eTarget, eventually, rpc, startTarget } from "./target.ts";

const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";
let target: E2eTarget;
let provider: Provider;
let alice: Signer;
let bob: Signer;
/** Owns the demo contract (the contract id is its address, so it also holds KOIN). */
let demoKey: Signer;
let tokenKey: Signer;
let demo: Contract;
let demoAsBob: Contract;
let tok: Contract;

/** The demo contract's ABI: koinos.contracts.token messages reused for its own entry points. */
function demoAbi() {
  const types = JSON.parse(tokenAbi()).koilib_types;
  const m = (entry_point: number, argument: string, ret: string, read_only: boolean) => ({
    entry_point,
    argument: argument && `koinos.contracts.token.${argument}`,
    return: ret && `koinos.contracts.token.${ret}`,
    read_only,
  });
  return {
    methods: {
      set: m(1, "mint_arguments", "", false),
      get: m(2, "balance_of_arguments", "balance_of_result", true),
      spin: m(3, "", "", false),
      refuse: m(4, "", "", false),
      float: m(5, "balance_of_arguments", "balance_of_result", true),
      pay: m(6, "transfer_arguments", "", false),
      guarded: m(7, "balance_of_arguments", "", false),
    },
    koilib_types: types,
    events: { "demo.set": { argument: "koinos.contracts.token.mint_arguments" } },
  };
}

const errorOf = async (p: Promise<unknown>) => {
  const e = await p.then(() => undefined).catch((x: Error) => x);
  if (!e) throw new Error("expected an error");
  return JSON.parse(e.message) as { error: string; code: number; logs?: string[] };
};

beforeAll(async () => {
  target = await startTarget();
  provider = new Provider([target.url]);
  const signer = (i: number) => {
    const s = Signer.fromSeed(`${target.seed} ${i}`);
    s.provider = provider;
    return s;
  };
  alice = signer(0);
  bob = signer(1);
  demoKey = signer(2);
  tokenKey = signer(3);
  const [demoWasm, tokenWasm] = await Promise.all([compileTestContract("demo"), compileTestContract("token")]);

  const d = new Contract({ id: demoKey.getAddress(), bytecode: demoWasm, abi: demoAbi(), provider, signer: demoKey });
  const dep = await d.deploy({ abi: JSON.stringify(demoAbi()), authorizesCallContract: true });
  await dep.transaction!.wait();
  demo = new Contract({ id: demoKey.getAddress(), abi: demoAbi(), provider, signer: alice });
  demoAsBob = new Contract({ id: demoKey.getAddress(), abi: demoAbi(), provider, signer: bob });

  const t = new Contract({ id: tokenKey.getAddress(), bytecode: tokenWasm, provider, signer: tokenKey });
  const depT = await t.deploy({ abi: tokenAbi(["name", "symbol", "decimals", "total_supply", "balance_of", "transfer", "mint"]) });
  await depT.transaction!.wait();
  tok = new Contract({ id: tokenKey.getAddress(), provider, signer: tokenKey });
}, 180_000);

afterAll(async () => {
  await target?.stop();
});

describe(`WASM contracts through koilib (${process.env.CAIRN_E2E_URL ? "multi-process" : "one-process"})`, () => {
  test("get_contract_metadata and contract_meta_store describe the deployed contract", async () => {
    const meta = await provider.invokeGetContractMetadata(demoKey.getAddress());
    expect(meta?.value.hash.startsWith("0x1220")).toBe(true);
    expect(meta?.value.authorizes_call_contract).toBe(true);
    expect(meta?.value.system ?? false).toBe(false);
    const raw = await rpc(target.url, "contract_meta_store.get_contract_meta", { contract_id: demoKey.getAddress() });
    expect(JSON.parse((raw.result!.meta as { abi: string }).abi).methods.set.entry_point).toBe(1);
  });

  test("a write call stores, logs and emits; the read-only call sees it in a later block", async () => {
    const key = Signer.fromSeed("e2e contracts key").getAddress();
    const { transaction, receipt } = await demo.functions.set!({ to: key, value: "42" });
    expect(receipt!.logs).toEqual(["set 42"]);
    expect(receipt!.events![0]!.name).toBe("demo.set");
    expect(receipt!.events![0]!.source).toBe(demoKey.getAddress());
    await transaction!.wait();
    const { result } = await demo.functions.get!({ owner: key });
    expect(result).toEqual({ value: "42" });
    // The event is in the block receipt and in the impacted account's history.
    const hist = await eventually(async () => {
      const r = await rpc(target.url, "account_history.get_account_history", { address: key, limit: 10, ascending: true });
      const values = (r.result?.values ?? []) as { trx?: { receipt?: { events?: { name: string }[] } } }[];
      return values.find((v) => v.trx?.receipt?.events?.some((e) => e.name === "demo.set"));
    }, 20_000, "the event in account history");
    expect(hist).toBeDefined();
  });

  test("contract events reach WebSocket subscribers", async () => {
    const ws = new WebSocket(target.url.replace(/^http/, "ws") + "/ws");
    const messages: { type: string; name?: string; contract?: string }[] = [];
    ws.onmessage = (m) => messages.push(JSON.parse(String(m.data)));
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    ws.send(JSON.stringify({ op: "subscribe", topic: "events", contract: demoKey.getAddress() }));
    await eventually(async () => messages.find((m) => m.type === "subscribed"), 10_000, "subscribed");
    const { transaction } = await demo.functions.set!({ to: bob.getAddress(), value: "7" });
    await transaction!.wait();
    const ev = await eventually(async () => messages.find((m) => m.type === "event"), 20_000, "the event on the WebSocket");
    expect(ev.name).toBe("demo.set");
    ws.close();
  });

  test("a revert fails with its message, code 1 and the contract's logs", async () => {
    const e = await errorOf(demo.functions.refuse!({}));
    expect(e.error).toBe("demo says no");
    expect(e.code).toBe(1);
    expect(e.logs?.[0]).toBe("about to revert");
  });

  test("an infinite loop runs out of rc (104); a read-only loop hits the read cap (-1013); the node keeps going", async () => {
    const e = await errorOf(demo.functions.spin!({}, { rcLimit: "20000000" }));
    expect(e).toMatchObject({ error: "insufficient rc", code: 104 });
    const r = await rpc(target.url, "chain.read_contract", { contract_id: demoKey.getAddress(), entry_point: 3, args: "" });
    expect(r.error!.message).toBe("compute bandwidth limit exceeded");
    expect(JSON.parse(r.error!.data!).code).toBe(-1013);
    expect((await provider.getHeadInfo()).head_topology.height).toBeDefined();
  });

  test("a float instruction traps (reversion, code 1)", async () => {
    const e = await errorOf(demo.functions.float!({ owner: alice.getAddress() }));
    expect(e.code).toBe(1);
    expect(e.error).toContain("module exited due to trap");
  });

  test("a call without the owner's authority fails with -200", async () => {
    const e = await errorOf(demoAsBob.functions.guarded!({ owner: alice.getAddress() }));
    expect(e).toMatchObject({ error: `account '${alice.getAddress()}' authorization failed`, code: -200 });
    const { transaction, receipt } = await demo.functions.guarded!({ owner: alice.getAddress() });
    expect(receipt!.reverted ?? false).toBe(false);
    await transaction!.wait();
  });

  test("the contract moves its own KOIN through a call into the token", async () => {
    const koin = new Contract({ id: KOIN, provider });
    await koin.fetchAbi();
    const before = BigInt(((await koin.functions.balance_of!({ owner: bob.getAddress() })).result as { value: string }).value);
    const { transaction, receipt } = await demo.functions.pay!({ to: bob.getAddress(), value: "1234" });
    expect(receipt!.events!.map((e) => `${e.source} ${e.name}`)).toEqual([`${KOIN} token.transfer_event`]);
    await transaction!.wait();
    const after = BigInt(((await koin.functions.balance_of!({ owner: bob.getAddress() })).result as { value: string }).value);
    expect(after - before).toBe(1234n);
  });

  test("the contract's authorize override decides who moves its KOIN", async () => {
    const koin = new Contract({ id: KOIN, provider, signer: bob });
    await koin.fetchAbi();
    const closed = await errorOf(koin.functions.transfer!({ from: demoKey.getAddress(), to: bob.getAddress(), value: "5" }));
    expect(closed.code).toBe(-200);
    expect(closed.error).toContain("has not authorized transfer");
    // The demo's authorize answers yes once its own id holds a non-zero value.
    const opened = await demo.functions.set!({ to: demoKey.getAddress(), value: "1" });
    await opened.transaction!.wait();
    const { transaction, receipt } = await koin.functions.transfer!({ from: demoKey.getAddress(), to: bob.getAddress(), value: "5" });
    expect(receipt!.events![0]!.name).toBe("token.transfer_event");
    await transaction!.wait();
  });

  test("an oversized module is refused as the network limit says; the node keeps going", async () => {
    const big = new Uint8Array(1_100_000);
    big.set([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    const c = new Contract({ id: demoKey.getAddress(), bytecode: big, provider, signer: demoKey });
    const e = await errorOf(c.deploy({}));
    expect(e.code).toBe(-1012);
    const { result } = await demo.functions.get!({ owner: bob.getAddress() });
    expect(result).toEqual({ value: "7" });
  });

  test("a @koinos/sdk-as token works through koilib's Contract and fetchAbi like KOIN", async () => {
    const abi = await tok.fetchAbi();
    expect(Object.keys(abi!.methods!)).toContain("balance_of");
    expect((await tok.functions.name!()).result).toEqual({ value: "Test Token" });
    expect((await tok.functions.symbol!()).result).toEqual({ value: "TEST" });
    expect((await tok.functions.decimals!()).result).toEqual({ value: 8 });
    const minted = await tok.functions.mint!({ to: alice.getAddress(), value: "1000" });
    await minted.transaction!.wait();
    const asAlice = new Contract({ id: tokenKey.getAddress(), provider, signer: alice });
    await asAlice.fetchAbi();
    const sent = await asAlice.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value: "300" });
    expect(sent.receipt!.events![0]!.name).toBe("token.transfer_event");
    await sent.transaction!.wait();
    expect((await tok.functions.balance_of!({ owner: bob.getAddress() })).result).toEqual({ value: "300" });
    expect((await tok.functions.total_supply!()).result).toEqual({ value: "1000" });
    const e = await errorOf(new Contract({ id: tokenKey.getAddress(), abi, provider, signer: bob }).functions.mint!({ to: bob.getAddress(), value: "1" }));
    expect(e.code).toBe(-200);
  });
});
