/**
 * Builds blocks on the chain head from pending transactions (arrival order, within the block
 * resource limits), signs them with the producer key and proposes them to the chain
 * (`propose_block`), which commits a block whose transactions all apply and otherwise reports the
 * failing ones. Those are left out and the block is built again on the same head, with the head
 * and limits fetched once per block. Pending transactions are asked on the head block (the
 * mempool answers only once it reflects that block), so none already in a block is proposed. The producer never drops a transaction itself: the chain
 * publishes `koinos.transaction.fail` (and the mempool removes it) only for one that can never
 * apply; one refused for the moment (a nonce ahead of its account's, rc the payer lacks now, a
 * full block) stays pending and is tried again in a later block, until it applies or expires.
 * Modes: `instant` (a block as soon as transactions are pending), `interval` (every intervalMs),
 * `manual` (only on request).
 */
import { type Logger, Mutex, isCairnError } from "@cairn/core";
import { type chain, type mempool, protocol } from "@cairn/proto";
import { addressFromPrivateKey, buildBlock } from "@cairn/protocol";
import type { PromiseClient } from "@cairn/rpc";

export type ProductionMode = "instant" | "interval" | "manual";

/** The chain RPCs the producer uses. */
export type ProducerChain = Pick<PromiseClient<typeof chain.ChainServiceDefinition>, "getHeadInfo" | "getResourceLimits" | "proposeBlock">;
/** The mempool RPCs the producer uses. */
export type ProducerMempool = Pick<PromiseClient<typeof mempool.MempoolServiceDefinition>, "getPendingTransactions">;

export interface BlockProducerOptions {
  mode: ProductionMode;
  /** Interval mode: ms between blocks. Default 3000. */
  intervalMs: number;
  /** Most transactions asked from the mempool per block (the mempool caps at 2000). */
  maxTransactionsPerBlock: number;
  /**
   * How long to wait for the mempool to reflect the head before a block, ms (pending
   * transactions are asked on the head block, as a Koinos producer does, so none already in a
   * block is proposed again). Default 2000.
   */
  mempoolWaitMs?: number;
  /**
   * Instant mode: how long to gather transactions after the first one arrives before making the
   * block, ms. Each block costs a commit in every service, so under load a few ms turn a block per
   * transaction into blocks of hundreds; alone, a transaction waits no longer than this.
   */
  instantBatchMs: number;
  /** Instant mode: when transactions were left pending for a later block, try again after this long, ms. Default 1000. */
  retryPendingMs?: number;
  /**
   * Instant mode: with nothing left pending, look at the mempool again after this long anyway, ms
   * (0: never). A `koinos.mempool.accept` lost on the bus (a NATS restart, a consumer recreated)
   * then delays a block by this much instead of leaving its transactions waiting for the next
   * notification. Default 2000.
   */
  idlePollMs?: number;
}

export const defaultProducerOptions: BlockProducerOptions = { mode: "instant", intervalMs: 3000, maxTransactionsPerBlock: 2000, instantBatchMs: 25, retryPendingMs: 1000, mempoolWaitMs: 2000, idlePollMs: 2000 };

export interface ProducedBlock {
  block: protocol.Block;
  receipt: protocol.BlockReceipt | undefined;
  /** Transactions left out because the chain refused them in this block. */
  failed: Uint8Array[];
}

export interface BlockProducerDeps {
  chain: ProducerChain;
  mempool: ProducerMempool;
  privateKey: Uint8Array;
  logger: Logger;
  now?: () => bigint;
  /** Called after each block (metrics). */
  onProduced?: (p: ProducedBlock) => void;
}

export class BlockProducer {
  private readonly mutex = new Mutex();
  private modeValue: ProductionMode;
  private intervalValue: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private instantQueued = false;
  /** Bumped whenever the schedule changes, so a finished tick of an old schedule arms nothing. */
  private generation = 0;
  private running = false;
  private readonly now: () => bigint;
  readonly address: Uint8Array;
  /** When the last block was made (ms), or when production started. */
  lastProducedAt = Date.now();
  /** When the last production attempt failed (ms), cleared by a success. */
  lastFailureAt: number | undefined;
  /** Transactions left pending (refused for the moment) by the last attempt. */
  deferred = 0;

  constructor(
    private readonly opts: BlockProducerOptions,
    private readonly deps: BlockProducerDeps,
  ) {
    this.modeValue = opts.mode;
    this.intervalValue = opts.intervalMs;
    this.now = deps.now ?? (() => BigInt(Date.now()));
    this.address = addressFromPrivateKey(deps.privateKey);
  }

  get mode(): ProductionMode {
    return this.modeValue;
  }

  get intervalMs(): number {
    return this.intervalValue;
  }

  /** Starts the mode's schedule; produces block 1 on an empty chain. */
  async start(): Promise<void> {
    this.running = true;
    this.lastProducedAt = Date.now();
    const head = await this.deps.chain.getHeadInfo({});
    if ((head.head_topology?.height ?? 0n) === 0n) await this.produce();
    this.schedule();
  }

  /**
   * Stops: no new block is started (queued work sees `running` false and returns at once), the
   * block being made finishes.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTimers();
    await this.mutex.run(() => undefined);
  }

  setMode(mode: ProductionMode, intervalMs?: number): void {
    this.modeValue = mode;
    if (intervalMs && intervalMs > 0) this.intervalValue = intervalMs;
    if (this.running) this.schedule();
    this.deps.logger.info({ mode, intervalMs: this.intervalValue }, "production mode set");
  }

  private clearTimers(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.timer = undefined;
    this.retryTimer = undefined;
  }

  private schedule(): void {
    this.clearTimers();
    if (this.modeValue === "interval") this.scheduleTick();
    else if (this.modeValue === "instant") this.notifyPending();
  }

  /** Interval mode: one block per tick, the next tick armed after the block (never a backlog). */
  private scheduleTick(): void {
    if (!this.running || this.modeValue !== "interval") return;
    const generation = ++this.generation;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.produce()
        .catch((e) => this.failed(e))
        .finally(() => {
          if (generation === this.generation) this.scheduleTick();
        });
    }, this.intervalValue);
  }

  private failed(e: unknown): void {
    this.lastFailureAt = Date.now();
    this.deps.logger.error({ err: String(e) }, "block production failed");
  }

  /** Instant mode: transactions arrived; produce (coalescing while a block is being made). */
  notifyPending(): void {
    if (!this.running || this.modeValue !== "instant" || this.instantQueued) return;
    this.instantQueued = true;
    void this.mutex
      .run(async () => {
        if (this.opts.instantBatchMs > 0) await Bun.sleep(this.opts.instantBatchMs);
        this.instantQueued = false;
        // Keep producing while transactions are pending (a burst larger than one block).
        for (let i = 0; i < 1000 && this.running && this.modeValue === "instant"; i++) {
          const p = await this.produceLocked(true);
          if (!p || p.block.transactions.length === 0) break;
        }
        this.retryDeferred();
      })
      .catch((e) => {
        this.instantQueued = false;
        this.failed(e);
        this.retryDeferred(true);
      });
  }

  /**
   * Instant mode: transactions left for a later block (or a failed attempt) are tried again soon;
   * otherwise the mempool is looked at again after `idlePollMs` (see there).
   */
  private retryDeferred(force = false): void {
    if (!this.running || this.modeValue !== "instant" || this.retryTimer) return;
    const soon = force || this.deferred > 0;
    const ms = soon ? (this.opts.retryPendingMs ?? 1000) : (this.opts.idlePollMs ?? 0);
    if (ms <= 0) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.notifyPending();
    }, ms);
    this.retryTimer.unref?.();
  }

  /** Produces one block now (even when nothing is pending); nothing once stopped. */
  produce(): Promise<ProducedBlock | undefined> {
    return this.mutex.run(async () => {
      if (!this.running) return undefined;
      return this.produceLocked(false);
    });
  }

  /**
   * Pending transactions on the head block `headId`, within the block's resource limits; undefined
   * when the mempool has not reflected that head within `mempoolWaitMs`.
   */
  private async pending(limits: protocol.ResourceLimitData, headId: Uint8Array): Promise<protocol.Transaction[] | undefined> {
    const deadline = Date.now() + (this.opts.mempoolWaitMs ?? 2000);
    let res: mempool.GetPendingTransactionsResponse;
    for (;;) {
      try {
        res = await this.deps.mempool.getPendingTransactions({ limit: BigInt(this.opts.maxTransactionsPerBlock), block_id: headId.length > 0 ? headId : undefined });
        break;
      } catch (e) {
        if (!(isCairnError(e) && e.code === "mempool.unknown_block")) throw e;
        if (Date.now() > deadline || !this.running) return undefined;
        await Bun.sleep(5);
      }
    }
    const out: protocol.Transaction[] = [];
    let disk = 0n;
    let net = 0n;
    let compute = 0n;
    for (const p of res.pending_transactions) {
      if (!p.transaction) continue;
      if (disk + p.disk_storage_used > limits.disk_storage_limit || net + p.network_bandwidth_used > limits.network_bandwidth_limit || compute + p.compute_bandwidth_used > limits.compute_bandwidth_limit) break;
      disk += p.disk_storage_used;
      net += p.network_bandwidth_used;
      compute += p.compute_bandwidth_used;
      out.push(p.transaction);
    }
    return out;
  }

  /**
   * Builds and proposes a block on the head; with `onlyIfPending`, nothing happens when no
   * transaction can go in. Each refused proposal removes at least one transaction, so this ends.
   */
  private async produceLocked(onlyIfPending: boolean): Promise<ProducedBlock | undefined> {
    const head = await this.deps.chain.getHeadInfo({});
    const limits = (await this.deps.chain.getResourceLimits({})).resource_limit_data ?? protocol.ResourceLimitData.create();
    const topo = head.head_topology ?? protocol.BlockTopology.create();
    const found = await this.pending(limits, topo.height === 0n ? new Uint8Array() : topo.id);
    if (found === undefined) this.deps.logger.warn({ height: Number(topo.height) }, "mempool behind the head: block made without pending transactions");
    let txs = found ?? [];
    if (onlyIfPending && txs.length === 0) {
      // A mempool still behind is asked again shortly.
      this.deferred = found === undefined ? 1 : 0;
      return undefined;
    }
    const now = this.now();
    const timestamp = now > head.head_block_time ? now : head.head_block_time + 1n;
    const failed: Uint8Array[] = [];
    for (;;) {
      const block = buildBlock({ previous: topo.id, height: topo.height + 1n, timestamp, previousStateMerkleRoot: head.head_state_merkle_root, transactions: txs, signer: this.address }, this.deps.privateKey);
      const res = await this.deps.chain.proposeBlock({ block });
      if (res.receipt && res.failed_transaction_indices.length === 0) {
        this.lastProducedAt = Date.now();
        this.lastFailureAt = undefined;
        this.deferred = failed.length;
        const produced = { block, receipt: res.receipt, failed };
        this.deps.onProduced?.(produced);
        this.deps.logger.debug({ height: Number(topo.height + 1n), transactions: txs.length, leftOut: failed.length }, "block produced");
        return produced;
      }
      const bad = new Set(res.failed_transaction_indices);
      if (bad.size === 0) throw new Error("the chain refused the proposed block without naming a transaction");
      for (const i of bad) if (txs[i]) failed.push(txs[i]!.id);
      txs = txs.filter((_t, i) => !bad.has(i));
      this.deps.logger.info({ leftOut: bad.size, remaining: txs.length }, "transactions left out of the block");
      if (onlyIfPending && txs.length === 0) {
        this.deferred = failed.length;
        return undefined;
      }
    }
  }
}
