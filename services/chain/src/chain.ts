/**
 * The chain controller: owns the head state (in memory, the database as the record), the fork
 * tree above the LIB and the rules; applies blocks (fork choice, switching forks, LIB), checks
 * and dry-runs transactions, answers reads, and hands what happened to `ChainEvents`.
 * Every mutation runs under one mutex; a block's effects are persisted in one database
 * transaction before memory changes, so memory never runs ahead of the record.
 */
import { KeyedMutex, type Logger, Mutex, bytesEqual, toHex } from "@cairn/core";
import type { BlockSink } from "@cairn/block-store/client";
import type { MempoolChecks } from "@cairn/mempool/client";
import { broadcast, protocol } from "@cairn/proto";
import {
  METADATA_KEYS,
  ZERO_ID,
  addressToBase58,
  blockDigest,
  decodeNonce,
  encodeNonce,
  nonceAccount,
  recoverAddress,
  transactionDigest,
} from "@cairn/protocol";
import type { ContractRuntime } from "./contracts/runtime.ts";
import { SPACES } from "./contracts/spaces.ts";
import { type AppliedBlock, applyBlock, checkRequiredBlockFields } from "./execution/block.ts";
import { type BlockInfo, ExecutionContext } from "./execution/context.ts";
import { ChainError } from "./execution/errors.ts";
import { Meter } from "./execution/metering.ts";
import { type ChainRules, resourceLimits } from "./execution/rules.ts";
import { accountRc, applyTransaction, checkRequiredFields, readNonce } from "./execution/transaction.ts";
import { type BlockNode, type ForkChoice, ForkTree, genesisNode, topology } from "./fork-tree.ts";
import { genesisState } from "./genesis.ts";
import { MemoryState, type StateChange, StateLayer } from "./state/state.ts";
import type { ChainStore } from "./store/store.ts";

/** What the chain tells the rest of the node after each block (bus publishing lives behind it). */
export interface ChainEvents {
  blockApplied(e: { block: protocol.Block; receipt: protocol.BlockReceipt; head: boolean; live: boolean; newLib?: BlockNode; forkHeads: broadcast.ForkHeads }): void;
  transactionAccepted(e: { transaction: protocol.Transaction; receipt: protocol.TransactionReceipt; height: bigint }): void;
}

export interface ChainOptions {
  /** Blocks between head and LIB. Default 60 (Koinos). */
  irreversibleThreshold: number;
  forkChoice: ForkChoice;
  /** Compute cap for read_contract, ticks. Default 10,000,000. */
  readComputeLimit: bigint;
  /** Signature cache size (entries). Default 200,000. */
  signatureCacheSize: number;
  /** How long a locally accepted nonce counts as pending while the mempool catches up, ms. */
  pendingNonceGraceMs: number;
}

export const defaultChainOptions: ChainOptions = {
  irreversibleThreshold: 60,
  forkChoice: "fifo",
  readComputeLimit: 10_000_000n,
  signatureCacheSize: 200_000,
  pendingNonceGraceMs: 5_000,
};

/** The block store, written synchronously before each block commits (as Koinos does). */
export interface ChainDeps {
  store: ChainStore;
  /** When set, every applied block is added here before the chain commits it. */
  blockStore?: BlockSink;
  runtime: ContractRuntime;
  genesis: protocol.GenesisData;
  /** KOIN contract address. */
  koinId: Uint8Array;
  events: ChainEvents;
  mempool?: MempoolChecks;
  logger: Logger;
  now?: () => bigint;
}

export class Chain {
  readonly state = new MemoryState();
  private tree!: ForkTree;
  private rulesValue!: ChainRules;
  private readonly mutex = new Mutex();
  private readonly accountLocks = new KeyedMutex();
  private readonly sigCache = new Map<string, Uint8Array>();
  /** Nonces this chain accepted recently, until the mempool reflects them. */
  private readonly recentNonces = new Map<string, { nonce: bigint; at: number }>();
  private readonly now: () => bigint;
  /** Signature recoveries done (each (digest, signature) is recovered once, then cached). */
  signatureRecoveries = 0;

  constructor(
    readonly opts: ChainOptions,
    private readonly deps: ChainDeps,
  ) {
    this.now = deps.now ?? (() => BigInt(Date.now()));
  }

  get rules(): ChainRules {
    return this.rulesValue;
  }

  get head(): BlockNode {
    return this.tree.head;
  }

  get lib(): BlockNode {
    return this.tree.lib;
  }

  /** Loads the chain from the store, or writes genesis on an empty store. */
  async start(): Promise<void> {
    const g = genesisState(this.deps.genesis);
    let loaded = await this.deps.store.load();
    if (!loaded.meta) {
      await this.deps.store.initGenesis({ chainId: g.chainId, genesisRoot: g.stateRoot, headId: ZERO_ID, libId: ZERO_ID }, g.changes.map((c) => ({ space: c.space, key: c.key, value: c.value! })));
      loaded = await this.deps.store.load();
      this.deps.logger.info({ chainId: toHex(g.chainId) }, "genesis written");
    } else if (!bytesEqual(loaded.meta.chainId, g.chainId)) {
      throw new ChainError("unexpected_state", `the database holds chain 0x${toHex(loaded.meta.chainId)} but the genesis configured gives 0x${toHex(g.chainId)}`);
    }
    const meta = loaded.meta!;
    this.state.clear();
    this.state.apply(loaded.state);
    const genesis = genesisNode(meta.genesisRoot);
    const byId = new Map(loaded.blocks.map((b) => [b.idHex, b]));
    const lib = byId.get(toHex(meta.libId)) ?? genesis;
    const head = byId.get(toHex(meta.headId)) ?? genesis;
    this.tree = new ForkTree(lib, head);
    for (const b of loaded.blocks) this.tree.add(b);
    this.rulesValue = { chainId: meta.chainId, genesisAddress: this.genesisAddress(), koinId: this.deps.koinId };
    this.deps.logger.info({ head: Number(head.height), headId: head.idHex, lib: Number(lib.height), objects: this.state.size }, "chain loaded");
  }

  private genesisAddress(): Uint8Array {
    const raw = this.state.get(SPACES.metadata, METADATA_KEYS.genesisKey);
    if (!raw) throw new ChainError("unexpected_state", "genesis has no genesis_key object");
    return raw;
  }

  // ---------------------------------------------------------------------------------- blocks

  /**
   * Applies a block (protocol §3.1 submit_block). Returns no receipt when it was already known.
   * `replay` (reindex): the block comes from the block store, so it is not handed back to it and
   * no events are published.
   */
  submitBlock(block: protocol.Block, opts: { replay?: boolean } = {}): Promise<protocol.BlockReceipt | undefined> {
    return this.mutex.run(() => this.applyBlockLocked(block, opts.replay ?? false));
  }

  private async applyBlockLocked(block: protocol.Block, replay: boolean): Promise<protocol.BlockReceipt | undefined> {
    const header = checkRequiredBlockFields(block);
    const idHex = toHex(block.id);
    if (this.tree.get(idHex)) return undefined;
    if (header.height <= this.tree.lib.height) {
      const known = header.height === 0n ? undefined : await this.deps.store.blockIdAtHeight(header.height);
      if (known && bytesEqual(known, block.id)) return undefined;
      throw new ChainError("pre_irreversibility_block", `block height ${header.height} is at or below the last irreversible block ${this.tree.lib.height}`);
    }
    const parent = this.tree.get(toHex(header.previous));
    if (!parent) throw new ChainError("unknown_previous_block", `unknown previous block 0x${toHex(header.previous)}`);

    const applied: AppliedBlock = this.applyOn(parent, block, false);
    const node: BlockNode = {
      id: block.id,
      idHex,
      height: header.height,
      previous: header.previous,
      previousHex: toHex(header.previous),
      timestamp: header.timestamp,
      stateRoot: applied.stateRoot,
      changes: applied.changes,
      undo: applied.undo,
      // The block and its receipt are not kept: the block store holds them (it has each block
      // before the chain commits it), and nothing here reads them again.
    };
    this.tree.add(node);
    const becomesHead = this.tree.isBetter(node, this.opts.forkChoice);
    let stateChanges: StateChange[] = [];
    let newLib: BlockNode | undefined;
    let pruned: { removed: BlockNode[]; irreversible: BlockNode[] } = { removed: [], irreversible: [] };
    const oldHead = this.tree.head;
    if (becomesHead) {
      stateChanges = parent.idHex === oldHead.idHex ? applied.changes : [...this.tree.transition(oldHead, parent), ...applied.changes];
      const libHeight = node.height - BigInt(this.opts.irreversibleThreshold);
      if (libHeight > this.tree.lib.height) newLib = this.tree.ancestorAt(node, libHeight);
    }
    if (this.deps.blockStore && !replay) {
      try {
        await this.deps.blockStore.addBlock(block, applied.receipt);
      } catch (e) {
        this.tree.remove(node.idHex);
        throw new ChainError("rpc_failure", `block store did not take block 0x${idHex}: ${(e as Error).message}`);
      }
    }
    try {
      // Compute the pruning on a copy of the decision, then persist, then change memory.
      if (becomesHead) this.tree.head = node;
      if (newLib) pruned = this.tree.advanceLib(newLib);
      await this.deps.store.commit({
        block: node,
        stateChanges,
        headId: becomesHead ? node.id : undefined,
        libId: newLib?.id,
        removed: pruned.removed.map((n) => n.id),
        irreversible: pruned.irreversible.map((n) => n.id),
      });
    } catch (e) {
      // The record did not change: put memory back as it was and fail the block.
      this.deps.logger.error({ err: String(e), block: idHex }, "block commit failed");
      await this.start();
      throw e;
    }
    if (becomesHead) this.state.apply(stateChanges);
    if (becomesHead && parent.idHex !== oldHead.idHex) {
      this.deps.logger.info({ from: oldHead.idHex, to: idHex, height: Number(node.height) }, "fork switch");
    }
    this.forgetIncludedNonces(block);
    if (!replay) this.deps.events.blockApplied({ block, receipt: applied.receipt, head: becomesHead, live: true, newLib, forkHeads: this.forkHeads() });
    return applied.receipt;
  }

  /** Applies `block` on the state at `parent` (nothing is kept; the caller decides). */
  private applyOn(parent: BlockNode, block: protocol.Block, skipFailedTransactions: boolean): AppliedBlock {
    return applyBlock({
      block,
      parent,
      parentState: this.tree.stateAt(parent, this.state),
      rules: this.rules,
      runtime: this.deps.runtime,
      signers: (tx) => this.transactionSigners(tx),
      blockSigner: (b) => this.blockSigner(b),
      now: this.now(),
      skipFailedTransactions,
    });
  }

  /** propose_block: applies on a throw-away state and reports failing transactions. */
  async proposeBlock(block: protocol.Block): Promise<{ receipt?: protocol.BlockReceipt; failed: number[] }> {
    const header = block.header;
    if (!header) throw new ChainError("missing_required_arguments", "missing expected field in block: header");
    const parent = this.tree.get(toHex(header.previous));
    if (!parent) throw new ChainError("unknown_previous_block", `unknown previous block 0x${toHex(header.previous)}`);
    const applied = this.applyOn(parent, block, true);
    if (applied.failedTransactionIndices.length > 0) return { failed: applied.failedTransactionIndices };
    return { receipt: applied.receipt, failed: [] };
  }

  // ---------------------------------------------------------------------------- transactions

  /** submit_transaction: checks and dry-runs on head state; with broadcast, publishes it. */
  async submitTransaction(tx: protocol.Transaction, broadcast: boolean): Promise<protocol.TransactionReceipt> {
    const header = checkRequiredFields(tx);
    const account = nonceAccount(header);
    return this.accountLocks.run(toHex(account), async () => {
      let currentNonce: bigint | undefined;
      if (broadcast) currentNonce = await this.pendingNonce(account);
      const layer = new StateLayer(this.state);
      const applied = applyTransaction({
        tx,
        state: layer,
        block: this.pendingBlockInfo(),
        rules: this.rules,
        runtime: this.deps.runtime,
        signers: (t) => this.transactionSigners(t),
        eventSequence: 0,
        currentNonce,
      });
      if (applied.reversion) throw new ChainError(applied.reversion.code.slice(6) as never, applied.reversion.message, applied.reversionLogs);
      if (broadcast) {
        if (this.deps.mempool) {
          const ok = await this.deps.mempool.checkResources(header.payer, applied.receipt.max_payer_rc, applied.receipt.rc_used);
          if (!ok) throw new ChainError("insufficient_rc", "insufficient pending account resources");
        }
        this.recentNonces.set(toHex(account), { nonce: decodeNonce(header.nonce), at: Date.now() });
        this.deps.events.transactionAccepted({ transaction: tx, receipt: applied.receipt, height: this.tree.head.height });
      }
      return applied.receipt;
    });
  }

  /** The payee's nonce as seen with pending transactions (mempool, then this chain's recent accepts). */
  private async pendingNonce(account: Uint8Array): Promise<bigint> {
    let n = readNonce(this.state, account);
    if (this.deps.mempool) {
      const pending = await this.deps.mempool.pendingNonce(account);
      if (pending.length > 0) {
        const p = decodeNonce(pending);
        if (p > n) n = p;
      }
    }
    const recent = this.recentNonces.get(toHex(account));
    if (recent) {
      if (Date.now() - recent.at > this.opts.pendingNonceGraceMs) this.recentNonces.delete(toHex(account));
      else if (recent.nonce > n) n = recent.nonce;
    }
    return n;
  }

  private forgetIncludedNonces(block: protocol.Block): void {
    if (this.recentNonces.size === 0) return;
    for (const tx of block.transactions) {
      if (!tx.header) continue;
      const key = toHex(nonceAccount(tx.header));
      const r = this.recentNonces.get(key);
      if (r && decodeNonce(tx.header.nonce) >= r.nonce) this.recentNonces.delete(key);
    }
  }

  /** Block context for dry runs and reads: the next height at the current time. */
  pendingBlockInfo(): BlockInfo {
    const head = this.tree.head;
    const now = this.now();
    const ts = now > head.timestamp ? now : head.timestamp + 1n;
    return { height: head.height + 1n, timestamp: ts, headBlockTime: ts, signer: this.rules.genesisAddress };
  }

  /** Signers of a transaction; each (digest, signature) is recovered once and cached. */
  transactionSigners(tx: protocol.Transaction): Uint8Array[] {
    const digest = transactionDigest(tx.header ?? protocol.TransactionHeader.create());
    const d = toHex(digest);
    return tx.signatures.map((sig) => {
      const key = d + toHex(sig);
      let a = this.sigCache.get(key);
      if (!a) {
        a = recoverAddress(digest, sig);
        this.signatureRecoveries++;
        if (this.sigCache.size >= this.opts.signatureCacheSize) this.sigCache.delete(this.sigCache.keys().next().value!);
        this.sigCache.set(key, a);
      }
      return a;
    });
  }

  private blockSigner(block: protocol.Block): Uint8Array {
    return recoverAddress(blockDigest(block.header ?? protocol.BlockHeader.create()), block.signature);
  }

  // ----------------------------------------------------------------------------------- reads

  headInfo(): { head: BlockNode; lib: BlockNode } {
    return { head: this.tree.head, lib: this.tree.lib };
  }

  forkHeads(): broadcast.ForkHeads {
    return broadcast.ForkHeads.fromPartial({ last_irreversible_block: topology(this.tree.lib), heads: this.tree.leaves().map(topology) });
  }

  /** A read-only execution context on head state (read_contract, system calls). */
  readContext(computeCap = this.opts.readComputeLimit): ExecutionContext {
    const layer = new StateLayer(this.state);
    return new ExecutionContext({
      state: layer,
      block: this.pendingBlockInfo(),
      meter: new Meter(resourceLimits(layer), undefined, computeCap),
      signers: [],
      readOnly: true,
      systemAuthority: this.rules.genesisAddress,
    });
  }

  readContract(contractId: Uint8Array, entryPoint: number, args: Uint8Array): { result: Uint8Array; logs: string[] } {
    const ctx = this.readContext();
    try {
      const result = this.deps.runtime.call(ctx, { contractId, entryPoint, args, callerPrivilege: protocol.Privilege.user_mode });
      return { result, logs: ctx.logs };
    } catch (e) {
      if (e instanceof ChainError) throw new ChainError(e.code.slice(6) as never, e.message, [...ctx.logs, ...e.logs]);
      throw e;
    }
  }

  accountNonce(account: Uint8Array): Uint8Array {
    return encodeNonce(readNonce(this.state, account));
  }

  accountRc(account: Uint8Array): bigint {
    return accountRc(new StateLayer(this.state), this.pendingBlockInfo(), this.rules, this.deps.runtime, account);
  }

  resourceLimits(): protocol.ResourceLimitData {
    return resourceLimits(this.state);
  }

  contractAbi(contractId: Uint8Array): string | undefined {
    const raw = this.state.get(SPACES.contractAbi, contractId);
    return raw === undefined ? undefined : new TextDecoder().decode(raw);
  }

  /** Replaces the chain's contents with a fresh genesis (for --reindex). */
  async reset(): Promise<void> {
    await this.mutex.run(async () => {
      await this.deps.store.reset();
      await this.start();
    });
  }

  describe(): string {
    return `head ${this.tree.head.height} (0x${this.tree.head.idHex}), LIB ${this.tree.lib.height}, KOIN ${addressToBase58(this.deps.koinId)}`;
  }
}
