/**
 * The chain controller: owns the head state (in memory, the database as the record), the fork
 * tree above the LIB and the rules, and wires the parts that act on them — loading
 * (`controller/load.ts`), block application and proposal (`controller/blocks.ts`), submission
 * (`controller/submission.ts`, with the pending window of `controller/pending-window.ts`), the
 * signature cache (`controller/signatures.ts`) — and answers reads. Blocks apply one at a time
 * under one mutex; submissions run per nonce account, on head state.
 */
import { KeyedMutex, type Logger, Mutex, toHex } from "@cairn/core";
import type { BlockSink, BlockSource, BlockWithReceipt } from "@cairn/block-store/client";
import type { MempoolChecks } from "@cairn/mempool/client";
import { broadcast, protocol } from "@cairn/proto";
import { IRREVERSIBLE_THRESHOLD, RecoveryPool, addressToBase58, encodeNonce, nonceAccount } from "@cairn/protocol";
import type { ContractRuntime } from "./contracts/runtime.ts";
import { SPACES } from "./contracts/spaces.ts";
import { type BlockEvents, type BlockHost, type FailedTransaction, applyBlockLocked } from "./controller/blocks.ts";
import { type AuditResult, DeliveryAudit } from "./controller/delivery-audit.ts";
import { loadChain } from "./controller/load.ts";
import { PendingWindow } from "./controller/pending-window.ts";
import { SignatureCache } from "./controller/signatures.ts";
import { submitTransaction } from "./controller/submission.ts";
import { type BlockInfo, ExecutionContext } from "./execution/context.ts";
import { ChainError } from "./execution/errors.ts";
import { Meter } from "./execution/metering.ts";
import { type ChainRules, resourceLimits } from "./execution/rules.ts";
import { accountRc, readNonce, signersProbablyKnown } from "./execution/transaction.ts";
import { type ForkTreeEntry, type ForkChoice, type ForkTree, topology } from "./fork-tree.ts";
import { MemoryState, StateLayer } from "./state/state.ts";
import type { ChainStore } from "./store/store.ts";

export type { FailedTransaction };

/** What the chain tells the rest of the node (bus publishing lives behind it). */
export interface ChainEvents extends BlockEvents {
  /** Publishes `koinos.transaction.accept`; the returned promise settles once the bus stored it. */
  transactionAccepted(e: { transaction: protocol.Transaction; receipt: protocol.TransactionReceipt; height: bigint }): void | Promise<void>;
  /**
   * Publishes the head block's `koinos.block.accept` again (the delivery audit found the block
   * store behind it); the returned promise settles once the bus stored it. Absent: never again.
   */
  republishHeadAccept?(e: { block: protocol.Block; receipt: protocol.BlockReceipt }): Promise<void>;
  /**
   * Publishes `koinos.transaction.fail` for an accepted transaction the chain ends itself (the
   * delivery audit's bound: the mempool neither took nor refused it within `deliveryTimeoutMs`);
   * the returned promise settles once the bus stored it. Absent: `transactionFailed`, not awaited.
   */
  transactionExpired?(e: { id: Uint8Array; reason: string }): Promise<void>;
}

export interface ChainOptions {
  /** Blocks between head and LIB. Default 60 (Koinos). */
  irreversibleThreshold: number;
  forkChoice: ForkChoice;
  /** Compute cap for read_contract, ticks. Default 10,000,000. */
  readComputeLimit: bigint;
  /**
   * Signature cache size (entries). Default 50,000: a transaction is checked at submission and again
   * in its block a few seconds later, so the cache needs to cover the transactions in flight (the
   * pending window's size), not history — 200,000 kept every one of 100,000 transfers, an estimated ~30 MB (memory target, architecture §9).
   */
  signatureCacheSize: number;
  /** How long an accepted transaction counts as pending while the mempool has not yet taken it, ms. Default 10,000. */
  pendingNonceGraceMs: number;
  /**
   * Most accepted transactions the pending window holds before the mempool confirms them; a full
   * window refuses submissions. Default 50,000 (five mempools' worth).
   */
  pendingWindowSize: number;
  /** Delivery audit (controller/delivery-audit.ts): an unconfirmed transaction is published again after this long, ms. Default 5,000. */
  republishAfterMs: number;
  /** Delivery audit: publishes of one transaction after the first, at most (each twice as long after the one before). Default 5. */
  maxRepublish: number;
  /**
   * Delivery audit: an accepted transaction the mempool has neither taken nor failed this long
   * after its acceptance is ended by the chain (`koinos.transaction.fail`), ms. Until then it stays
   * in the pending window. Default 120,000: the mempool's expiration (Koinos's
   * `transaction-expiration`, 120 s) — a transaction the mempool had taken at once would have
   * expired from it by then.
   */
  deliveryTimeoutMs: number;
  /**
   * How long `koinos.transaction.accept` has to be stored before the submission fails, ms.
   * Default 3,000: an answer well inside the gateway's 5 s deadline (see `SubmissionContext`).
   */
  publishTimeoutMs: number;
  /** Pending transactions per nonce account accepted at submission (0: no limit). Default 1,000 (the mempool's). */
  pendingTransactionLimit: number;
  /**
   * Recover signers on a worker thread ahead of use (controller/signatures.ts); false recovers
   * in line. Default false here (tests build many chains); the service's option defaults to true.
   */
  recoveryWorker: boolean;
}

export const defaultChainOptions: ChainOptions = {
  irreversibleThreshold: IRREVERSIBLE_THRESHOLD,
  forkChoice: "fifo",
  readComputeLimit: 10_000_000n,
  signatureCacheSize: 50_000,
  pendingNonceGraceMs: 10_000,
  pendingTransactionLimit: 1_000,
  pendingWindowSize: 50_000,
  republishAfterMs: 5_000,
  maxRepublish: 5,
  deliveryTimeoutMs: 120_000,
  publishTimeoutMs: 3_000,
  recoveryWorker: false,
};

export interface ChainDeps {
  store: ChainStore;
  /**
   * When set, every applied block is added here before the chain commits it, and the delivery
   * audit compares its highest block with the head.
   */
  blockStore?: BlockSink & Partial<Pick<BlockSource, "highest" | "blocksWithReceiptsByHeight">>;
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
  private readonly signatures: SignatureCache;
  private readonly recoveryPool: RecoveryPool | undefined;
  private readonly window: PendingWindow;
  private readonly audit: DeliveryAudit;
  /** The last head block applied here, with its receipt (for the delivery audit). */
  private headBlock: BlockWithReceipt | undefined;
  private readonly now: () => bigint;

  constructor(
    readonly opts: ChainOptions,
    private readonly deps: ChainDeps,
  ) {
    this.now = deps.now ?? (() => BigInt(Date.now()));
    this.recoveryPool = opts.recoveryWorker ? new RecoveryPool() : undefined;
    this.signatures = new SignatureCache(opts.signatureCacheSize, this.recoveryPool);
    this.window = new PendingWindow(opts.pendingNonceGraceMs, opts.pendingWindowSize);
    this.audit = new DeliveryAudit(
      { republishAfterMs: opts.republishAfterMs, maxRepublish: opts.maxRepublish, deliveryTimeoutMs: opts.deliveryTimeoutMs, graceMs: opts.pendingNonceGraceMs, maxPerAudit: 2_000 },
      {
        window: this.window,
        mempool: deps.mempool,
        blockStore: deps.blockStore,
        head: () => this.tree.head,
        headBlock: () => this.headBlock,
        publishTransaction: async (transaction, receipt) => {
          await deps.events.transactionAccepted({ transaction, receipt, height: this.tree.head.height });
        },
        publishHeadAccept: async (block, receipt) => {
          await deps.events.republishHeadAccept?.({ block, receipt });
        },
        publishFailure: async (id, reason) => {
          if (deps.events.transactionExpired) await deps.events.transactionExpired({ id, reason });
          else deps.events.transactionFailed?.({ id, reason });
        },
        logger: deps.logger,
      },
    );
  }

  /** Transactions accepted and not yet confirmed by the mempool or a block. */
  get pendingWindowSize(): number {
    return this.window.size;
  }

  /**
   * Checks that what the chain published was delivered and publishes again what was not (see
   * controller/delivery-audit.ts). The unit runs it on a timer.
   */
  auditDelivery(): Promise<AuditResult> {
    return this.audit.run();
  }

  get rules(): ChainRules {
    return this.rulesValue;
  }

  get head(): ForkTreeEntry {
    return this.tree.head;
  }

  get lib(): ForkTreeEntry {
    return this.tree.lib;
  }

  /** Stops the recovery worker (signers are then recovered in line). */
  close(): void {
    this.recoveryPool?.close();
  }

  /** Signature recoveries done (each (digest, signature) is recovered once, then cached). */
  get signatureRecoveries(): number {
    return this.signatures.recoveries;
  }

  /** Loads the chain from the store, or writes genesis on an empty store. */
  async start(): Promise<void> {
    const loaded = await loadChain(this.deps.store, this.deps.genesis, this.deps.koinId, this.state, this.deps.logger);
    this.tree = loaded.tree;
    this.rulesValue = loaded.rules;
  }

  // ---------------------------------------------------------------------------------- blocks

  /** The events, remembering the head block for the delivery audit. */
  private readonly trackedEvents: BlockEvents = {
    blockApplied: (e) => {
      if (e.head) this.headBlock = { block: e.block, receipt: e.receipt };
      this.deps.events.blockApplied(e);
    },
    transactionFailed: (e) => this.deps.events.transactionFailed?.(e),
  };

  private host(): BlockHost {
    return {
      tree: this.tree,
      state: this.state,
      rules: this.rules,
      runtime: this.deps.runtime,
      store: this.deps.store,
      blockStore: this.deps.blockStore,
      events: this.trackedEvents,
      signatures: this.signatures,
      window: this.window,
      irreversibleThreshold: this.opts.irreversibleThreshold,
      forkChoice: this.opts.forkChoice,
      logger: this.deps.logger,
      now: this.now,
      forkHeads: () => this.forkHeads(),
      reload: () => this.start(),
    };
  }

  /**
   * Applies a block (protocol §3.1 submit_block). Returns no receipt when it was already known.
   * `replay` (reindex): the block comes from the block store, so it is not handed back to it and
   * no events are published.
   */
  async submitBlock(block: protocol.Block, opts: { replay?: boolean } = {}): Promise<protocol.BlockReceipt | undefined> {
    // The transactions this chain accepted have their signers with their checked structure.
    await this.signatures.prefetch(block.transactions, signersProbablyKnown);
    return (await this.mutex.run(() => applyBlockLocked(this.host(), block, { replay: opts.replay }))).receipt;
  }

  /**
   * propose_block: applies and commits the block like submit_block when every transaction
   * applies; otherwise discards it and reports the failing transactions (those that can never
   * apply are published on `koinos.transaction.fail`).
   */
  async proposeBlock(block: protocol.Block): Promise<{ receipt?: protocol.BlockReceipt; failed: FailedTransaction[] }> {
    if (!block.header) throw ChainError.of("block_missing_field", { field: "header", block_id: toHex(block.id) });
    return this.mutex.run(() => applyBlockLocked(this.host(), block, { propose: true }));
  }

  // ---------------------------------------------------------------------------- transactions

  /** submit_transaction: checks and dry-runs on head state; with broadcast, hands it to the mempool. */
  async submitTransaction(tx: protocol.Transaction, broadcast: boolean): Promise<protocol.TransactionReceipt> {
    // Before the account's lock: the recoveries of one account's successive submissions overlap.
    await this.signatures.prefetch([tx]);
    const account = tx.header && tx.header.payer.length > 0 ? toHex(nonceAccount(tx.header)) : "";
    return this.accountLocks.run(account, () =>
      submitTransaction(
        {
          state: this.state,
          rules: this.rules,
          runtime: this.deps.runtime,
          block: this.pendingBlockInfo(),
          signers: (t, digest) => this.signatures.transactionSigners(t, digest),
          mempool: this.deps.mempool,
          window: this.window,
          pendingTransactionLimit: this.opts.pendingTransactionLimit,
          publishTimeoutMs: this.opts.publishTimeoutMs,
          publishAccepted: async (transaction, receipt) => {
            await this.deps.events.transactionAccepted({ transaction, receipt, height: this.tree.head.height });
          },
        },
        tx,
        broadcast,
      ),
    );
  }

  /** Block context for dry runs and reads: the next height at the current time. */
  pendingBlockInfo(): BlockInfo {
    const head = this.tree.head;
    const now = this.now();
    const ts = now > head.timestamp ? now : head.timestamp + 1n;
    return {
      height: head.height + 1n,
      timestamp: ts,
      headBlockTime: ts,
      signer: this.rules.genesisAddress,
      head: { id: head.id, height: head.height, previous: head.previous, time: head.timestamp },
      parentState: this.state,
    };
  }

  /** Signers of a transaction; each (digest, signature) is recovered once and cached. */
  transactionSigners(tx: protocol.Transaction): Uint8Array[] {
    return this.signatures.transactionSigners(tx);
  }

  // ----------------------------------------------------------------------------------- reads

  headInfo(): { head: ForkTreeEntry; lib: ForkTreeEntry } {
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
      chainId: this.rules.chainId,
    });
  }

  /** read_contract: a read context exists, so a failure carries the logs written so far. */
  readContract(contractId: Uint8Array, entryPoint: number, args: Uint8Array): { result: Uint8Array; logs: string[] } {
    const ctx = this.readContext();
    try {
      const result = this.deps.runtime.call(ctx, { contractId, entryPoint, args, callerPrivilege: protocol.Privilege.user_mode });
      return { result, logs: ctx.logs };
    } catch (e) {
      if (e instanceof ChainError) throw e.withLogs([...ctx.logs, ...e.logs]);
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
    return raw === undefined ? this.deps.runtime.nativeAbi(contractId) : new TextDecoder().decode(raw);
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
