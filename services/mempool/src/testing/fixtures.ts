/**
 * Test fixtures: dev keys, signed transactions (KOIN transfers or empty operation lists), their
 * `koinos.transaction.accept` payloads, and `FakeChain`, a small fork-aware chain of signed
 * blocks that answers as both the chain (`MempoolChain`) and the block store (`MempoolBlocks`).
 */
import { CairnError, ErrorStatus, bytesEqual, toHex, utf8 } from "@cairn/core";
import { broadcast, protocol, token } from "@cairn/proto";
import {
  KoinEntryPoint,
  ZERO_ID,
  addressFromBase58,
  addressFromPrivateKey,
  buildBlock,
  buildTransaction,
  decodeNonce,
  nonceAccount,
  privateKeyFromSeed,
  sha256Multihash,
} from "@cairn/protocol";
import type { HeadInfo } from "@cairn/chain/client";
import type { MempoolBlocks, MempoolChain } from "../ports.ts";

/** Chain id the test transactions carry. */
export const CHAIN_ID = sha256Multihash(utf8("cairn mempool tests"));
/** Mainnet KOIN address. */
export const KOIN_ID = addressFromBase58("15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL");
/** Eight account keys and their addresses. */
export const KEYS = Array.from({ length: 8 }, (_, i) => privateKeyFromSeed(`mempool test ${i}`));
export const ACCOUNTS = KEYS.map(addressFromPrivateKey);
const PRODUCER_KEY = privateKeyFromSeed("mempool test producer");

/** Options of {@link makeTx}. */
export interface TxOptions {
  /** KOIN transfer to this account index; default none (empty operation list). */
  to?: number;
  value?: bigint;
  rcLimit?: bigint;
  /** Payee account index (its nonce is used), signed by both. */
  payee?: number;
}

/** A signed transaction from account `from` with `nonce`. */
export function makeTx(from: number, nonce: bigint, o: TxOptions = {}): protocol.Transaction {
  const operations =
    o.to === undefined
      ? []
      : [
          protocol.Operation.fromPartial({
            call_contract: {
              contract_id: KOIN_ID,
              entry_point: KoinEntryPoint.transfer,
              args: token.TransferArguments.encode({ from: ACCOUNTS[from]!, to: ACCOUNTS[o.to]!, value: o.value ?? 1n }).finish(),
            },
          }),
        ];
  const signers = o.payee === undefined ? [KEYS[from]!] : [KEYS[from]!, KEYS[o.payee]!];
  return buildTransaction({ chainId: CHAIN_ID, nonce, rcLimit: o.rcLimit ?? 1_000_000n, operations, payee: o.payee === undefined ? undefined : ACCOUNTS[o.payee] }, ...signers);
}

/** Receipt numbers of {@link accepted}. */
export interface UseOptions {
  rcUsed?: bigint;
  disk?: bigint;
  network?: bigint;
  compute?: bigint;
  maxPayerRc?: bigint;
  height?: bigint;
  system?: bigint;
}

/** The `koinos.transaction.accept` payload of `tx` with a receipt. */
export function accepted(tx: protocol.Transaction, o: UseOptions = {}): broadcast.TransactionAccepted {
  const receipt = protocol.TransactionReceipt.fromPartial({
    id: tx.id,
    payer: tx.header!.payer,
    max_payer_rc: o.maxPayerRc ?? 10_000_000n,
    rc_limit: tx.header!.rc_limit,
    rc_used: o.rcUsed ?? 1_000n,
    disk_storage_used: o.disk ?? 0n,
    network_bandwidth_used: o.network ?? 200n,
    compute_bandwidth_used: o.compute ?? 300n,
  });
  const s = o.system ?? 0n;
  return broadcast.TransactionAccepted.fromPartial({ transaction: tx, receipt, height: o.height ?? 0n, system_disk_storage_used: s, system_network_bandwidth_used: s, system_compute_bandwidth_used: s });
}

let stamp = 1_700_000_000_000n;

/** Blocks by id with a movable head; answers as the chain and as the block store. */
export class FakeChain implements MempoolChain, MempoolBlocks {
  readonly blocks = new Map<string, protocol.Block>();
  tip: protocol.Block | undefined;
  readonly calls = { accountNonce: 0, blocksByHeight: 0, headInfo: 0 };
  /** The next this many `blocksByHeight` / `headInfo` calls fail with UNAVAILABLE. */
  failures = 0;

  /** A signed block of `txs` on `parent` (default: the tip; undefined = genesis). Not made head. */
  block(txs: protocol.Transaction[], parent: protocol.Block | undefined | "tip" = "tip"): protocol.Block {
    const p = parent === "tip" ? this.tip : parent;
    const b = buildBlock(
      { previous: p?.id ?? ZERO_ID, height: (p?.header?.height ?? 0n) + 1n, timestamp: (stamp += 1000n), previousStateMerkleRoot: ZERO_ID, transactions: txs },
      PRODUCER_KEY,
    );
    this.blocks.set(toHex(b.id), b);
    return b;
  }

  /** A block of `txs` on the tip, made the new tip. */
  extend(txs: protocol.Transaction[] = []): protocol.Block {
    this.tip = this.block(txs);
    return this.tip;
  }

  /** `koinos.block.accept` of a block. */
  static accepted(block: protocol.Block, head = true): broadcast.BlockAccepted {
    return broadcast.BlockAccepted.fromPartial({ block, receipt: { id: block.id, height: block.header!.height }, live: true, head });
  }

  /** The tip as the head; the LIB is not modelled (0). */
  async headInfo(): Promise<HeadInfo> {
    this.calls.headInfo++;
    this.maybeFail();
    return { head: this.tip ? { id: this.tip.id, height: this.tip.header!.height } : { id: ZERO_ID, height: 0n }, lib: 0n };
  }

  /** Highest nonce the account used on the tip's branch. */
  async accountNonce(account: Uint8Array): Promise<bigint> {
    this.calls.accountNonce++;
    let n = 0n;
    for (const b of this.branch(this.tip?.id ?? ZERO_ID)) {
      for (const tx of b.transactions) {
        if (bytesEqual(nonceAccount(tx.header!), account)) {
          const v = decodeNonce(tx.header!.nonce);
          if (v > n) n = v;
        }
      }
    }
    return n;
  }

  async blocksByHeight(headId: Uint8Array, startHeight: bigint, count: number): Promise<protocol.Block[]> {
    this.calls.blocksByHeight++;
    this.maybeFail();
    if (!bytesEqual(headId, ZERO_ID) && !this.blocks.has(toHex(headId))) {
      throw new CairnError("block_store.not_found", `Block not present - ID: 0x${toHex(headId)}`, { status: ErrorStatus.NotFound });
    }
    const end = startHeight + BigInt(count);
    return this.branch(headId)
      .filter((b) => b.header!.height >= startHeight && b.header!.height < end)
      .reverse();
  }

  /** Blocks from `headId` down to block 1, highest first. */
  private branch(headId: Uint8Array): protocol.Block[] {
    const out: protocol.Block[] = [];
    let b = this.blocks.get(toHex(headId));
    while (b) {
      out.push(b);
      b = this.blocks.get(toHex(b.header!.previous));
    }
    return out;
  }

  private maybeFail(): void {
    if (this.failures > 0) {
      this.failures--;
      throw new CairnError("rpc.unavailable", "fake chain unavailable", { status: ErrorStatus.Unavailable });
    }
  }
}

/** Polls `check` every 5 ms until it returns true or `timeoutMs` passes (then throws). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(5);
  }
}
