/**
 * The dev controls (`dev.*`) of the one-process node, driven through koilib 9.1.1's
 * `provider.call`: snapshot → transfers → revert gives back balances, nonces, head, block store,
 * mempool and account history exactly; unknown snapshot ids fail; time moved forward regenerates
 * mana as the KOIN rules say, and past the mempool's expiration drops pending transactions; set_balance mints and burns through a block seen by balance,
 * supply, block store and history; mine_blocks; production modes; reset to genesis.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Contract, Provider, Signer, utils } from "koilib";
import { type E2eTarget, eventually, startTarget } from "./target.ts";

const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";
/** KOIN's mana regeneration time (protocol §7): 5 days, ms. */
const MANA_REGEN_MS = 432_000_000n;

let target: E2eTarget;
let provider: Provider;
let alice: Signer;
let bob: Signer;
let koin: Contract;

interface Topology {
  id: string;
  height: string;
  previous: string;
}

const call = <T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}) => provider.call<T>(method, params);
const balanceOf = async (address: string) => BigInt(((await koin.functions.balanceOf!({ owner: address })).result?.value as string | undefined) ?? "0");
const supply = async () => BigInt((await koin.functions.totalSupply!()).result!.value as string);
const head = async () => (await provider.getHeadInfo()).head_topology as Topology;
const history = (address: string) => call<{ values?: unknown[] }>("account_history.get_account_history", { address, limit: 100, ascending: true });
const pending = async () => ((await call<{ pending_transactions?: { transaction: { id: string } }[] }>("mempool.get_pending_transactions", { limit: 100 })).pending_transactions ?? []).map((p) => p.transaction.id);
const mine = (count = 1) => call<{ head_topology: Topology; head_block_time: string }>("dev.mine_blocks", { count: String(count) });

/** Everything a revert must give back, read through the public API. */
async function observe() {
  const top = await head();
  return {
    head: top,
    headInfo: await provider.getHeadInfo(),
    balances: [await balanceOf(alice.getAddress()), await balanceOf(bob.getAddress())],
    nonces: [Number(await provider.getNonce(alice.getAddress())), Number(await provider.getNonce(bob.getAddress()))],
    rc: await provider.getAccountRc(alice.getAddress()),
    supply: await supply(),
    highest: await call("block_store.get_highest_block", {}),
    blocks: await call("block_store.get_blocks_by_height", { head_block_id: top.id, ancestor_start_height: 1, num_blocks: 1000, return_block: true, return_receipt: true }),
    historyAlice: await history(alice.getAddress()),
    historyBob: await history(bob.getAddress()),
    pending: await pending(),
  };
}

beforeAll(async () => {
  target = await startTarget({ mode: "manual" }, { local: true });
  provider = new Provider([target.url]);
  alice = Signer.fromSeed(`${target.seed} 0`);
  bob = Signer.fromSeed(`${target.seed} 1`);
  alice.provider = provider;
  bob.provider = provider;
  koin = new Contract({ id: KOIN, abi: utils.tokenAbi, provider, signer: alice });
}, 300_000);
afterAll(async () => {
  await target?.stop();
});

describe("dev.* through koilib (one-process node)", () => {
  test("get_status and set_production_mode: manual leaves transactions pending until mine_blocks", async () => {
    expect(await call("dev.get_status")).toMatchObject({ mode: "manual", interval_ms: "3000" });
    const before = await head();
    const { transaction } = await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value: "5" });
    await Bun.sleep(300);
    expect((await head()).id).toBe(before.id);
    expect(await pending()).toEqual([transaction!.id!]);
    const mined = await mine(1);
    expect(mined.head_topology.height).toBe(String(BigInt(before.height) + 1n));
    expect(mined.head_topology.previous).toBe(before.id);
    const block = await provider.getBlock(Number(mined.head_topology.height));
    expect(block.block.transactions?.map((t) => t.id)).toEqual([transaction!.id!]);

    // Interval: blocks come by themselves.
    expect(await call("dev.set_production_mode", { mode: "interval", interval_ms: "200" })).toEqual({ mode: "interval", interval_ms: "200" });
    const h = BigInt((await head()).height);
    await eventually(async () => (BigInt((await head()).height) >= h + 2n ? true : undefined), 20_000, "interval blocks");
    // Instant: a transfer lands without mining.
    expect(await call("dev.set_production_mode", { mode: "instant" })).toEqual({ mode: "instant", interval_ms: "200" });
    const { transaction: tx2 } = await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value: "6" });
    const placed = await tx2!.wait("byBlock", 20_000);
    expect(placed.blockNumber).toBeGreaterThan(0);
    expect(await call("dev.set_production_mode", { mode: "manual" })).toEqual({ mode: "manual", interval_ms: "200" });
    await expect(call("dev.set_production_mode", { mode: "sometimes" })).rejects.toThrow("mode must be one of instant, interval, manual");
  }, 120_000);

  test("mine_blocks produces N blocks and answers the new head", async () => {
    const before = await head();
    const mined = await mine(5);
    expect(mined.head_topology.height).toBe(String(BigInt(before.height) + 5n));
    expect(mined.head_topology).toEqual(await head());
    expect(mined.head_block_time).toBe((await provider.getHeadInfo()).head_block_time);
  }, 60_000);

  test("mine_blocks faster than a block a millisecond moves the node's clock with the blocks, so the next ones still apply", async () => {
    // Empty blocks mined back to back take head time + 1 ms; without the clock following them,
    // the chain soon finds a block more than 5 s in its future (here: 6,000 blocks in two calls).
    await mine(3_000);
    const mined = await mine(3_000);
    const status = await call<{ now: string }>("dev.get_status");
    expect(BigInt(status.now)).toBeGreaterThan(BigInt(mined.head_block_time));
    expect((await mine(1)).head_topology.height).toBe(String(BigInt(mined.head_topology.height) + 1n));
  }, 120_000);

  test("snapshot → transfers → revert gives back state, blocks, mempool and history exactly", async () => {
    const before = await observe();
    const { id } = await call<{ id: string }>("dev.snapshot");
    expect(id).toMatch(/^[0-9]+$/);
    expect(((await call<{ snapshots?: string[] }>("dev.get_status")).snapshots ?? []).includes(id)).toBe(true);

    // Mined transfers both ways, a second snapshot, then one more left pending.
    await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value: "1000" });
    const bobKoin = new Contract({ id: KOIN, abi: utils.tokenAbi, provider, signer: bob });
    await bobKoin.functions.transfer!({ from: bob.getAddress(), to: alice.getAddress(), value: "10" });
    await mine(2);
    const { id: later } = await call<{ id: string }>("dev.snapshot");
    await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value: "1" });
    const changed = await observe();
    expect(changed.head.height).toBe(String(BigInt(before.head.height) + 2n));
    expect(changed.balances[1]).toBe(before.balances[1]! + 990n);
    expect(changed.nonces).toEqual([before.nonces[0]! + 1, before.nonces[1]! + 1]);
    expect(changed.pending).toHaveLength(1);

    expect(await call("dev.revert", { id })).toEqual({ reverted: true });
    expect(await observe()).toEqual(before);
    // The new services' metrics replaced the old ones; the gateway's stayed.
    const metrics = await (await fetch(`${target.url}/metrics`)).text();
    expect(metrics).toContain("cairn_gateway_requests_total");
    expect(metrics).toContain("cairn_chain_blocks_applied_total");
    // The later snapshot went with it, and so did the one reverted to (anvil's rule).
    await expect(call("dev.revert", { id: later })).rejects.toThrow(`unknown snapshot id ${later}`);
    await expect(call("dev.revert", { id })).rejects.toThrow(`unknown snapshot id ${id}`);

    // The chain goes on from the snapshot: the same transfer again makes a new block on it.
    await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value: "1000" });
    const next = await mine(1);
    expect(next.head_topology.previous).toBe(before.head.id);
    expect(next.head_topology.id).not.toBe(changed.head.id);
    expect(await balanceOf(bob.getAddress())).toBe(before.balances[1]! + 1000n);
  }, 180_000);

  test("an unknown snapshot id is an error", async () => {
    await expect(call("dev.revert", { id: "987654" })).rejects.toThrow("unknown snapshot id 987654");
  });

  test("set_balance mints and burns through a block: balance, supply, block store, history, events", async () => {
    const carol = Signer.fromSeed("devctl carol").getAddress();
    const supply0 = await supply();
    const raised = await call<{ transaction_id: string; block_id: string; height: string }>("dev.set_balance", { address: carol, value: "500000000" });
    expect(await balanceOf(carol)).toBe(500_000_000n);
    expect(await supply()).toBe(supply0 + 500_000_000n);
    // Mana follows KOIN's mint: the new balance arrives with its mana.
    expect(await provider.getAccountRc(carol)).toBe("500000000");
    const [item] = (await provider.getBlocksById([raised.block_id])).block_items;
    expect(item!.block_height).toBe(raised.height);
    const receipt = item!.receipt.transaction_receipts?.find((r) => r.id === raised.transaction_id);
    expect(receipt?.events?.map((e) => e.name)).toEqual(["token.mint_event"]);
    const minted = await eventually(async () => {
      const values = (await history(carol)).values as { trx?: { transaction: { id: string } } }[] | undefined;
      return values?.some((v) => v.trx?.transaction.id === raised.transaction_id) ? values : undefined;
    }, 15_000, "the mint in carol's history");
    expect(minted.length).toBeGreaterThanOrEqual(1);

    const lowered = await call<{ transaction_id: string; block_id: string; height: string }>("dev.set_balance", { address: carol, value: "200000000" });
    expect(BigInt(lowered.height)).toBe(BigInt(raised.height) + 1n);
    expect(await balanceOf(carol)).toBe(200_000_000n);
    expect(await supply()).toBe(supply0 + 200_000_000n);
    expect(await provider.getAccountRc(carol)).toBe("200000000");
    const [low] = (await provider.getBlocksById([lowered.block_id])).block_items;
    expect(low!.receipt.transaction_receipts?.find((r) => r.id === lowered.transaction_id)?.events?.map((e) => e.name)).toEqual(["token.burn_event"]);
    await eventually(async () => {
      const values = (await history(carol)).values as { trx?: { transaction: { id: string } } }[] | undefined;
      return values?.some((v) => v.trx?.transaction.id === lowered.transaction_id) ? true : undefined;
    }, 15_000, "the burn in carol's history");

    // A dev account's balance too, and the same value twice changes nothing.
    await call("dev.set_balance", { address: bob.getAddress(), value: "42" });
    expect(await balanceOf(bob.getAddress())).toBe(42n);
    const h = (await head()).height;
    expect(await call("dev.set_balance", { address: bob.getAddress(), value: "42" })).toEqual({});
    expect((await head()).height).toBe(h);
  }, 120_000);

  test("time moved forward regenerates mana as the KOIN rules say", async () => {
    // Carol: 0.01 KOIN, so the rc of one transfer is a visible share of her mana.
    const carolSigner = Signer.fromSeed("devctl carol 2");
    carolSigner.provider = provider;
    const carol = carolSigner.getAddress();
    await call("dev.set_balance", { address: carol, value: "1000000" });
    const t1 = BigInt((await provider.getHeadInfo()).head_block_time) + 1000n;
    expect(await call("dev.set_next_block_time", { timestamp: String(t1) })).toEqual({ timestamp: String(t1) });
    const carolKoin = new Contract({ id: KOIN, abi: utils.tokenAbi, provider, signer: carolSigner });
    const { transaction } = await carolKoin.functions.transfer!({ from: carol, to: bob.getAddress(), value: "1" }, { rcLimit: "1000000" });
    const mined = await mine(1);
    expect(mined.head_block_time).toBe(String(t1));
    const block = await provider.getBlock(Number(mined.head_topology.height));
    const rcUsed = BigInt(block.receipt.transaction_receipts!.find((r) => r.id === transaction!.id)!.rc_used);
    const balance = 999_999n;
    const manaAfter = 1_000_000n - 1n - rcUsed;
    expect(rcUsed).toBeGreaterThan(0n);

    // Reads at a pinned time are exact: one day later, mana grew by day × balance / 5 days.
    const day = 86_400_000n;
    await call("dev.set_next_block_time", { timestamp: String(t1 + day) });
    const expected = manaAfter + (day * balance) / MANA_REGEN_MS;
    expect(BigInt(await provider.getAccountRc(carol))).toBe(expected < balance ? expected : balance);
    await mine(1);
    expect((await provider.getHeadInfo()).head_block_time).toBe(String(t1 + day));

    // increase_time: five more days and mana is full again (capped at the balance).
    const moved = await call<{ offset_ms: string; now: string }>("dev.increase_time", { ms: String(5n * day) });
    expect(BigInt(moved.now)).toBeGreaterThanOrEqual(t1 + 6n * day);
    expect(BigInt(moved.offset_ms)).toBeGreaterThanOrEqual(6n * day - 60_000n);
    expect(await provider.getAccountRc(carol)).toBe(String(balance));
    const after = await mine(1);
    expect(BigInt(after.head_block_time)).toBeGreaterThanOrEqual(t1 + 6n * day);

    // Time only moves forward.
    await expect(call("dev.set_next_block_time", { timestamp: String(t1) })).rejects.toThrow("is not after the head block's");
  }, 120_000);

  test("time moved past the mempool's expiration drops a pending transaction", async () => {
    const nonce = Number(await provider.getNonce(alice.getAddress()));
    const { transaction } = await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value: "2" });
    expect(await pending()).toContain(transaction!.id!);
    await call("dev.increase_time", { ms: "130000" }); // past the mempool's 120 s
    await eventually(async () => ((await pending()).includes(transaction!.id!) ? undefined : true), 30_000, "the expiry sweep");
    await mine(1);
    expect(Number(await provider.getNonce(alice.getAddress()))).toBe(nonce);
  }, 60_000);

  test("reset goes back to genesis: block 1, genesis balances, no nonces, no history, no snapshots", async () => {
    await call("dev.snapshot");
    const genesisBalance = 100_000_000_000_000n; // 1,000,000 KOIN, the dev default
    expect(await call("dev.reset")).toEqual({ reset: true });
    const top = await head();
    expect(top.height).toBe("1");
    expect(await balanceOf(alice.getAddress())).toBe(genesisBalance);
    expect(await balanceOf(bob.getAddress())).toBe(genesisBalance);
    expect(await balanceOf(Signer.fromSeed("devctl carol").getAddress())).toBe(0n);
    expect(await provider.getNonce(alice.getAddress())).toBe(0);
    expect((await history(alice.getAddress())).values).toBeUndefined();
    expect(await pending()).toEqual([]);
    expect((await call<{ snapshots?: string[] }>("dev.get_status")).snapshots).toBeUndefined();
    // And it still works as a chain.
    await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value: "3" });
    expect((await mine(1)).head_topology.height).toBe("2");
    expect(await balanceOf(bob.getAddress())).toBe(genesisBalance + 3n);
  }, 120_000);
});
