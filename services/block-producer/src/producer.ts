/**
 * Builds blocks on the chain head from pending transactions (arrival order, within the block
 * resource limits), signs them with the producer key and submits them to the chain. A
 * transaction the chain rejects inside a block is left out, reported on
 * `koinos.transaction.fail`, and the block is built again. Modes: `instant` (a block as soon as
 * transactions are pending), `interval` (every intervalMs), `manual` (only on request).
 */
import { type Logger, Mutex, fromHex, isCairnError, toHex } from "@cairn/core";
import { broadcast, type chain, type mempool, protocol } from "@cairn/proto";
import { addressFromPrivateKey, buildBlock } from "@cairn/protocol";
import type { PromiseClient } from "@cairn/rpc";
import { Subjects } from "@cairn/bus";

export type ProductionMode = "instant" | "interval" | "manual";

/** The chain RPCs the producer uses. */
export type ProducerChain = Pick<PromiseClient<typeof chain.ChainServiceDefinition>, "getHeadInfo" | "getResourceLimits" | "submitBlock">;
/** The mempool RPCs the producer uses. */
export type ProducerMempool = Pick<PromiseClient<typeof mempool.MempoolServiceDefinition>, "getPendingTransactions">;

export interface ProducerPublisher {
  publish(subject: string, data: Uint8Array): Promise<unknown>;
}

export interface BlockProducerOptions {
  mode: ProductionMode;
  /** Interval mode: ms between blocks. Default 3000. */
  intervalMs: number;
  /** Most transactions asked from the mempool per block (the mempool caps at 2000). */
  maxTransactionsPerBlock: number;
  /** How long a transaction put in a block is skipped while the mempool catches up, ms. */
  includedMemoryMs: number;
  /**
   * Instant mode: how long to gather transactions after the first one arrives before making the
   * block, ms. Each block costs a commit in every service, so under load a few ms turn a block per
   * transaction into blocks of hundreds; alone, a transaction waits no longer than this.
   */
  instantBatchMs: number;
}

export const defaultProducerOptions: BlockProducerOptions = { mode: "instant", intervalMs: 3000, maxTransactionsPerBlock: 2000, includedMemoryMs: 30_000, instantBatchMs: 25 };

export interface ProducedBlock {
  block: protocol.Block;
  receipt: protocol.BlockReceipt | undefined;
  failed: Uint8Array[];
}

export interface BlockProducerDeps {
  chain: ProducerChain;
  mempool: ProducerMempool;
  publisher: ProducerPublisher;
  privateKey: Uint8Array;
  logger: Logger;
  now?: () => bigint;
  /** Called after each block (metrics). */
  onProduced?: (p: ProducedBlock) => void;
}

/** Most times one block is rebuilt after dropping failing transactions. */
const MAX_ATTEMPTS = 20;

export class BlockProducer {
  private readonly mutex = new Mutex();
  private readonly included = new Map<string, number>();
  private modeValue: ProductionMode;
  private intervalValue: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private instantQueued = false;
  private running = false;
  private readonly now: () => bigint;
  readonly address: Uint8Array;

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
    const head = await this.deps.chain.getHeadInfo({});
    if ((head.head_topology?.height ?? 0n) === 0n) await this.produce();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.mutex.run(() => undefined); // let an in-flight block finish
  }

  setMode(mode: ProductionMode, intervalMs?: number): void {
    this.modeValue = mode;
    if (intervalMs && intervalMs > 0) this.intervalValue = intervalMs;
    if (this.running) this.schedule();
    this.deps.logger.info({ mode, intervalMs: this.intervalValue }, "production mode set");
  }

  private schedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.modeValue === "interval") {
      this.timer = setInterval(() => void this.produce().catch((e) => this.deps.logger.error({ err: String(e) }, "block production failed")), this.intervalValue);
    } else if (this.modeValue === "instant") {
      this.notifyPending();
    }
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
      })
      .catch((e) => this.deps.logger.error({ err: String(e) }, "block production failed"));
  }

  /** Produces one block now (even when nothing is pending). */
  produce(): Promise<ProducedBlock | undefined> {
    return this.mutex.run(() => this.produceLocked(false));
  }

  private async pending(): Promise<protocol.Transaction[]> {
    const res = await this.deps.mempool.getPendingTransactions({ limit: BigInt(this.opts.maxTransactionsPerBlock), block_id: undefined });
    const limits = (await this.deps.chain.getResourceLimits({})).resource_limit_data ?? protocol.ResourceLimitData.create();
    const cutoff = Date.now() - this.opts.includedMemoryMs;
    for (const [id, at] of this.included) if (at < cutoff) this.included.delete(id);
    const out: protocol.Transaction[] = [];
    let disk = 0n;
    let net = 0n;
    let compute = 0n;
    for (const p of res.pending_transactions) {
      if (!p.transaction || this.included.has(toHex(p.transaction.id))) continue;
      if (disk + p.disk_storage_used > limits.disk_storage_limit || net + p.network_bandwidth_used > limits.network_bandwidth_limit || compute + p.compute_bandwidth_used > limits.compute_bandwidth_limit) break;
      disk += p.disk_storage_used;
      net += p.network_bandwidth_used;
      compute += p.compute_bandwidth_used;
      out.push(p.transaction);
    }
    return out;
  }

  /** Builds and submits a block; with `onlyIfPending`, nothing happens when no transaction waits. */
  private async produceLocked(onlyIfPending: boolean): Promise<ProducedBlock | undefined> {
    let txs = await this.pending();
    if (onlyIfPending && txs.length === 0) return undefined;
    const failed: Uint8Array[] = [];
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const head = await this.deps.chain.getHeadInfo({});
      const topo = head.head_topology ?? protocol.BlockTopology.create();
      const now = this.now();
      const timestamp = now > head.head_block_time ? now : head.head_block_time + 1n;
      const block = buildBlock({ previous: topo.id, height: topo.height + 1n, timestamp, previousStateMerkleRoot: head.head_state_merkle_root, transactions: txs }, this.deps.privateKey);
      try {
        const res = await this.deps.chain.submitBlock({ block });
        const at = Date.now();
        for (const tx of txs) this.included.set(toHex(tx.id), at);
        const produced = { block, receipt: res.receipt, failed };
        this.deps.onProduced?.(produced);
        this.deps.logger.debug({ height: Number(topo.height + 1n), transactions: txs.length }, "block produced");
        return produced;
      } catch (e) {
        const badId = isCairnError(e) && typeof e.data.transaction_id === "string" ? e.data.transaction_id : undefined;
        if (!badId) throw e;
        const bad = fromHex(badId);
        failed.push(bad);
        txs = txs.filter((t) => toHex(t.id) !== toHex(bad));
        this.included.set(toHex(bad), Date.now());
        this.deps.logger.info({ transaction: badId, reason: (e as Error).message }, "transaction left out of block");
        await this.deps.publisher.publish(Subjects.transactionFail, broadcast.TransactionFailed.encode({ id: bad }).finish()).catch((err) => this.deps.logger.error({ err: String(err) }, "publish failed"));
      }
    }
    throw new Error(`could not build a valid block after ${MAX_ATTEMPTS} attempts`);
  }
}
