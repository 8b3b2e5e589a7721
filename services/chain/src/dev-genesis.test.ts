/**
 * What the dev node's controls rely on: a dev genesis may fund the genesis key (so it can pay for
 * its own transactions), and KOIN with `systemMayBurn` lets the genesis key burn from any account,
 * while the default KOIN keeps Koinos's rule.
 */
import { describe, expect, test } from "bun:test";
import { silentLogger } from "@cairn/core";
import { protocol, token } from "@cairn/proto";
import { KoinEntryPoint, buildBlock, buildTransaction } from "@cairn/protocol";
import { Chain, defaultChainOptions } from "./chain.ts";
import { createKoinContract, defaultKoinOptions } from "./contracts/koin.ts";
import { ContractRuntime } from "./contracts/runtime.ts";
import { DEV_GENESIS_KEY_BALANCE, devGenesis } from "./genesis.ts";
import { MemoryChainStore } from "./store/memory-store.ts";
import { DEV_BALANCE, KOIN_ID } from "./testing/harness.ts";

async function devChain(systemMayBurn: boolean) {
  const dev = devGenesis({ seed: "dev controls", accounts: 2, balance: DEV_BALANCE, koinId: KOIN_ID, genesisKeyBalance: DEV_GENESIS_KEY_BALANCE });
  const runtime = new ContractRuntime();
  runtime.register(KOIN_ID, createKoinContract({ ...defaultKoinOptions, systemMayBurn }));
  let clock = 1_700_000_000_000n;
  const chain = new Chain(defaultChainOptions, { store: new MemoryChainStore(), runtime, genesis: dev.genesis, koinId: KOIN_ID, events: { blockApplied: () => {}, transactionAccepted: () => {} }, logger: silentLogger(), now: () => (clock += 1000n) });
  await chain.start();
  const read = (entryPoint: number, args: Uint8Array) => token.Uint64Result.decode(chain.readContract(KOIN_ID, entryPoint, args).result).value;
  const balance = (address: Uint8Array) => read(KoinEntryPoint.balance_of, token.BalanceOfArguments.encode({ owner: address }).finish());
  const supply = () => read(KoinEntryPoint.total_supply, new Uint8Array());
  /** A block with one genesis-key transaction calling KOIN. */
  const byGenesisKey = async (entryPoint: number, args: Uint8Array, nonce: bigint) => {
    const op = protocol.Operation.fromPartial({ call_contract: { contract_id: KOIN_ID, entry_point: entryPoint, args } });
    const tx = buildTransaction({ chainId: chain.rules.chainId, nonce, rcLimit: 100_000_000n, operations: [op] }, dev.producerKey);
    const head = chain.head;
    const block = buildBlock({ previous: head.id, height: head.height + 1n, timestamp: (head.timestamp === 0n ? 1_700_000_000_000n : head.timestamp) + 1000n, previousStateMerkleRoot: head.stateRoot, transactions: [tx] }, dev.producerKey);
    return chain.submitBlock(block);
  };
  return { dev, chain, balance, supply, byGenesisKey };
}

describe("dev genesis for the dev controls", () => {
  test("the genesis key holds KOIN (with its mana) and counts in the supply", async () => {
    const t = await devChain(false);
    expect(t.balance(t.dev.producerAddress)).toBe(DEV_GENESIS_KEY_BALANCE);
    expect(t.supply()).toBe(DEV_BALANCE * 2n + DEV_GENESIS_KEY_BALANCE);
    const noKey = devGenesis({ seed: "dev controls", accounts: 2, balance: DEV_BALANCE, koinId: KOIN_ID });
    expect(noKey.genesis.entries.length).toBe(t.dev.genesis.entries.length - 1);
  });

  test("with systemMayBurn the genesis key mints to and burns from any account", async () => {
    const t = await devChain(true);
    const owner = t.dev.accounts[1]!.address;
    await t.byGenesisKey(KoinEntryPoint.mint, token.MintArguments.encode({ to: owner, value: 500n }).finish(), 1n);
    expect(t.balance(owner)).toBe(DEV_BALANCE + 500n);
    const receipt = await t.byGenesisKey(KoinEntryPoint.burn, token.BurnArguments.encode({ from: owner, value: 2000n }).finish(), 2n);
    expect(receipt?.transaction_receipts[0]?.reverted).toBe(false);
    expect(receipt?.transaction_receipts[0]?.events.map((e) => e.name)).toEqual(["token.burn_event"]);
    expect(t.balance(owner)).toBe(DEV_BALANCE - 1500n);
    expect(t.supply()).toBe(DEV_BALANCE * 2n + DEV_GENESIS_KEY_BALANCE - 1500n);
  });

  test("without it (Koinos's rule) the genesis key cannot burn someone else's KOIN", async () => {
    const t = await devChain(false);
    const owner = t.dev.accounts[1]!.address;
    // An authorization failure (Koinos code -200): the transaction, and so its block, is refused.
    await expect(t.byGenesisKey(KoinEntryPoint.burn, token.BurnArguments.encode({ from: owner, value: 2000n }).finish(), 1n)).rejects.toThrow("account 'from' has not authorized burn");
    expect(t.balance(owner)).toBe(DEV_BALANCE);
  });
});
