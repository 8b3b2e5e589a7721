/**
 * Real koilib 9.1.1 (protobufjs 7.4.0) against Cairn through the gateway: every koilib call of
 * protocol §2 the node serves.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Contract, Provider, Signer, utils } from "koilib";
import { type E2eTarget, startTarget } from "./target.ts";

const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";
let target: E2eTarget;
let provider: Provider;
let alice: Signer;
let bob: Signer;
let koin: Contract;

beforeAll(async () => {
  target = await startTarget();
  provider = new Provider([target.url]);
  alice = Signer.fromSeed(`${target.seed} 0`);
  bob = Signer.fromSeed(`${target.seed} 1`);
  alice.provider = provider;
  bob.provider = provider;
  koin = new Contract({ id: KOIN, abi: utils.tokenAbi, provider, signer: alice });
});
afterAll(async () => {
  await target?.stop();
});

describe(`koilib 9.1.1 against Cairn (${process.env.CAIRN_E2E_URL ? "multi-process" : "one-process"})`, () => {
  test("getChainId and getHeadInfo", async () => {
    const chainId = await provider.getChainId();
    expect(chainId.startsWith("EiB") || chainId.startsWith("EiA") || chainId.startsWith("EiC") || chainId.startsWith("EiD")).toBe(true);
    const head = await provider.getHeadInfo();
    expect(Number(head.head_topology.height)).toBeGreaterThanOrEqual(1);
    expect(head.head_topology.id.startsWith("0x1220")).toBe(true);
    expect(head.head_state_merkle_root.startsWith("Ei")).toBe(true);
    expect(Number(head.head_block_time)).toBeGreaterThan(0);
  });

  test("p2p.get_gossip_status answers as a Koinos node that does not gossip (enabled false, omitted as a default)", async () => {
    const status = await provider.call<{ enabled?: boolean }>("p2p.get_gossip_status", {});
    expect(status).toEqual({});
  });

  test("getNonce, getNextNonce, getAccountRc, getResourceLimits", async () => {
    const fresh = Signer.fromSeed("e2e nobody").getAddress();
    expect(await provider.getNonce(fresh)).toBe(0);
    expect(await provider.getNextNonce(fresh)).toBe("KAE=");
    expect(await provider.getAccountRc(fresh)).toBe("0");
    expect(BigInt(await provider.getAccountRc(alice.getAddress()))).toBeGreaterThan(0n);
    const limits = await provider.getResourceLimits();
    expect(limits.resource_limit_data.compute_bandwidth_limit).toBe("100000000");
  });

  test("balanceOf, totalSupply, name/symbol/decimals reads", async () => {
    const { result: bal } = await koin.functions.balanceOf!({ owner: bob.getAddress() });
    expect(BigInt(bal!.value as string)).toBeGreaterThan(0n);
    const { result: none } = await koin.functions.balanceOf!({ owner: Signer.fromSeed("e2e nobody").getAddress() });
    expect(none).toEqual({ value: "0" }); // empty read result → ABI default_output
    const { result: supply } = await koin.functions.totalSupply!();
    expect(BigInt(supply!.value as string)).toBeGreaterThan(BigInt(bal!.value as string));
    expect((await koin.functions.name!()).result).toEqual({ value: "Koin" });
    expect((await koin.functions.symbol!()).result).toEqual({ value: "KOIN" });
    expect((await koin.functions.decimals!()).result).toEqual({ value: 8 });
  });

  test("a KOIN transfer with wait(), then blocks by height and by id, and the transaction store", async () => {
    const before = BigInt((await koin.functions.balanceOf!({ owner: bob.getAddress() })).result!.value as string);
    const { transaction, receipt } = await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value: "12345" });
    expect(receipt).toBeDefined();
    expect(receipt!.events?.[0]?.name).toBe("token.transfer_event");
    const mined = await transaction!.wait();
    expect(mined.blockNumber).toBeGreaterThan(0);
    const after = BigInt((await koin.functions.balanceOf!({ owner: bob.getAddress() })).result!.value as string);
    expect(after - before).toBe(12345n);

    const block = await provider.getBlock(mined.blockNumber!);
    expect(block.block_id).toBe(mined.blockId);
    expect(block.block.transactions?.map((t) => t.id)).toContain(transaction!.id);
    const blocks = await provider.getBlocks(1, 2);
    expect(blocks.map((b) => Number(b.block_height))).toEqual([1, 2]);
    const byId = await provider.getBlocksById([mined.blockId!]);
    expect(Number(byId.block_items[0]!.block_height)).toBe(mined.blockNumber!);
    const txs = await provider.getTransactionsById([transaction!.id!]);
    expect(txs.transactions[0]!.containing_blocks).toContain(mined.blockId);
  });

  test("wait('byBlock') also finds the transaction", async () => {
    const { transaction } = await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value: "7" });
    const mined = await transaction!.wait("byBlock", 15_000);
    expect(mined.blockNumber).toBeGreaterThan(0);
  });

  test("invokeSystemCall: get_contract_address, get_contract_metadata, by name", async () => {
    const address = await provider.invokeGetContractAddress("koin");
    expect(address?.value.address).toBe(KOIN);
    const meta = await provider.invokeGetContractMetadata(KOIN);
    expect(meta?.value.system).toBe(true);
    expect(await provider.invokeGetContractAddress("no such name")).toBeUndefined();
  });

  test("a broadcast:false dry run returns a receipt and changes nothing", async () => {
    const nonce = await provider.getNonce(alice.getAddress());
    const { receipt } = await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value: "1" }, { broadcast: false });
    expect(receipt?.events?.length).toBe(1);
    await Bun.sleep(300);
    expect(await provider.getNonce(alice.getAddress())).toBe(nonce);
  });

  test("the error koilib shows for a transfer beyond the balance", async () => {
    const poor = Signer.fromSeed(`${target.seed} 3`);
    poor.provider = provider;
    const token = new Contract({ id: KOIN, abi: utils.tokenAbi, provider, signer: poor });
    const balance = BigInt((await token.functions.balanceOf!({ owner: poor.getAddress() })).result!.value as string);
    const err = await token.functions.transfer!({ from: poor.getAddress(), to: bob.getAddress(), value: String(balance + 1n) }, { rcLimit: "100000000" }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(JSON.parse((err as Error).message)).toEqual({ error: "account 'from' has insufficient balance", code: -1, logs: [] });
  });

  test("the error koilib shows for a bad nonce", async () => {
    const err = await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value: "1" }, { nonce: "KP__Aw==" }).catch((e: Error) => e);
    const parsed = JSON.parse((err as Error).message);
    expect(parsed.code).toBe(-201);
    expect(parsed.error).toMatch(/^invalid transaction nonce - account: 1AEjdUWG3hN2ifM9rbQLSXxVBm1RD7Pv89, nonce: 0x28ffff03, current nonce: 0x28[0-9a-f]+$/);
  });

  test("a transfer to yourself reverts with code 1", async () => {
    const err = await koin.functions.transfer!({ from: alice.getAddress(), to: alice.getAddress(), value: "1" }).catch((e: Error) => e);
    expect(JSON.parse((err as Error).message)).toEqual({ error: "cannot transfer to yourself", code: 1, logs: ["transaction reverted: cannot transfer to yourself"] });
  });

  test("fetchAbi reads KOIN's ABI from contract_meta_store and its functions work", async () => {
    const c = new Contract({ id: KOIN, provider });
    const abi = await c.fetchAbi();
    expect(abi?.methods?.balance_of?.entry_point).toBe(0x5c721497);
    const { result } = await c.functions.balance_of!({ owner: bob.getAddress() });
    expect(BigInt(result!.value as string)).toBeGreaterThan(0n);
    expect((await c.functions.symbol!()).result).toEqual({ value: "KOIN" });
  });

  test("getForkHeads and submitBlock through koilib", async () => {
    const forks = await provider.getForkHeads();
    expect(forks.fork_heads.length).toBeGreaterThanOrEqual(1);
    const err = await provider.submitBlock({ id: "0x1220", header: {} } as never).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
  });
});
