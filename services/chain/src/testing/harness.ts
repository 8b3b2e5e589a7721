/** Test harness: a chain on a dev genesis with recorded events and transaction/block builders. */
import { silentLogger } from "@cairn/core";
import { broadcast, protocol, token } from "@cairn/proto";
import { KoinEntryPoint, addressFromBase58, buildBlock, buildTransaction } from "@cairn/protocol";
import type { MempoolChecks } from "@cairn/mempool/client";
import { Chain, type ChainDeps, type ChainEvents, type ChainOptions, defaultChainOptions } from "../chain.ts";
import { createKoinContract } from "../contracts/koin.ts";
import { ContractRuntime } from "../contracts/runtime.ts";
import { topology } from "../fork-tree.ts";
import { type DevGenesis, devGenesis } from "../genesis.ts";
import { MemoryChainStore } from "../store/memory-store.ts";
import type { ChainStore } from "../store/store.ts";

export const KOIN_ID = addressFromBase58("15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL");
/** 1,000,000 KOIN in satoshis. */
export const DEV_BALANCE = 100_000_000_000_000n;

export type Recorded =
  | { kind: "block"; block: protocol.Block; receipt: protocol.BlockReceipt; head: boolean; libHeight?: bigint; lib?: protocol.BlockTopology; forkHeads: broadcast.ForkHeads }
  | { kind: "tx"; transaction: protocol.Transaction; receipt: protocol.TransactionReceipt }
  | { kind: "fail"; id: Uint8Array; reason: string };

export interface TestChainOptions {
  /** Genesis resource limits (default: Koinos's). */
  resourceLimits?: protocol.ResourceLimitData;
  store?: ChainStore;
  seed?: string;
  chain?: Partial<ChainOptions>;
  mempool?: MempoolChecks;
  blockStore?: ChainDeps["blockStore"];
  now?: () => bigint;
  /** Replaces some of the recorded events (e.g. a bus that refuses publishes). */
  events?: Partial<ChainEvents>;
}

export interface TestChain {
  chain: Chain;
  store: ChainStore;
  dev: DevGenesis;
  events: Recorded[];
  /** A signed KOIN transfer from dev account `from` to dev account `to`. */
  transfer(from: number, to: number, value: bigint, nonce: bigint, extra?: { rcLimit?: bigint; chainId?: Uint8Array }): protocol.Transaction;
  /** A signed block of `txs` on `parent` (default head) at `timestamp` (default parent + 1000). */
  block(txs: protocol.Transaction[], at?: { parent?: { id: Uint8Array; height: bigint; timestamp: bigint; stateRoot: Uint8Array }; timestamp?: bigint; key?: Uint8Array }): protocol.Block;
  /** Builds a block on head and applies it. */
  produce(txs?: protocol.Transaction[]): Promise<protocol.BlockReceipt>;
  balance(account: number): bigint;
}

export function transferOp(from: Uint8Array, to: Uint8Array, value: bigint): protocol.Operation {
  const args = token.TransferArguments.encode(token.TransferArguments.fromPartial({ from, to, value })).finish();
  return protocol.Operation.fromPartial({ call_contract: { contract_id: KOIN_ID, entry_point: KoinEntryPoint.transfer, args } });
}

export function newRuntime(): ContractRuntime {
  const runtime = new ContractRuntime();
  runtime.register(KOIN_ID, createKoinContract());
  return runtime;
}

export async function createTestChain(opts: TestChainOptions = {}): Promise<TestChain> {
  const dev = devGenesis({ seed: opts.seed ?? "test", accounts: 4, balance: DEV_BALANCE, koinId: KOIN_ID, resourceLimits: opts.resourceLimits });
  const store = opts.store ?? new MemoryChainStore();
  const events: Recorded[] = [];
  const chainEvents: ChainEvents = {
    blockApplied: (e) => events.push({ kind: "block", block: e.block, receipt: e.receipt, head: e.head, libHeight: e.newLib?.height, lib: e.newLib && topology(e.newLib), forkHeads: e.forkHeads }),
    transactionAccepted: (e) => {
      events.push({ kind: "tx", transaction: e.transaction, receipt: e.receipt });
    },
    transactionFailed: (e) => {
      events.push({ kind: "fail", id: e.id, reason: e.reason });
    },
  };
  let clock = 1_700_000_000_000n;
  const now = opts.now ?? (() => (clock += 1000n));
  const chain = new Chain({ ...defaultChainOptions, ...opts.chain }, { store, runtime: newRuntime(), genesis: dev.genesis, koinId: KOIN_ID, events: { ...chainEvents, ...opts.events }, mempool: opts.mempool, blockStore: opts.blockStore, logger: silentLogger(), now });
  await chain.start();
  const t: TestChain = {
    chain,
    store,
    dev,
    events,
    transfer(from, to, value, nonce, extra = {}) {
      const a = dev.accounts[from]!;
      const b = dev.accounts[to]!;
      return buildTransaction({ chainId: extra.chainId ?? chain.rules.chainId, nonce, rcLimit: extra.rcLimit ?? 10_000_000n, operations: [transferOp(a.address, b.address, value)] }, a.privateKey);
    },
    block(txs, at = {}) {
      const p = at.parent ?? { id: chain.head.id, height: chain.head.height, timestamp: chain.head.timestamp, stateRoot: chain.head.stateRoot };
      const ts = at.timestamp ?? (p.timestamp === 0n ? 1_700_000_000_000n : p.timestamp + 1000n);
      return buildBlock({ previous: p.id, height: p.height + 1n, timestamp: ts, previousStateMerkleRoot: p.stateRoot, transactions: txs }, at.key ?? dev.producerKey);
    },
    async produce(txs = []) {
      const receipt = await chain.submitBlock(t.block(txs));
      if (!receipt) throw new Error("block was not applied");
      return receipt;
    },
    balance(i) {
      const out = chain.readContract(KOIN_ID, KoinEntryPoint.balance_of, token.BalanceOfArguments.encode({ owner: dev.accounts[i]!.address }).finish());
      return token.Uint64Result.decode(out.result).value;
    },
  };
  return t;
}

/**
 * The deterministic block at `height` on the current head (crash tests): dev account (h-1)%4
 * sends 1000 + h to the next account; nonces follow from the height; timestamps are fixed.
 */
export function deterministicBlock(t: TestChain, height: bigint): protocol.Block {
  const from = Number((height - 1n) % 4n);
  const nonce = (height - 1n) / 4n + 1n;
  return t.block([t.transfer(from, (from + 1) % 4, 1000n + height, nonce)], { timestamp: 1_700_000_000_000n + height * 1000n });
}
