/**
 * The block producer as one unit: the producer, its admin gRPC server (never public), the
 * instant-mode trigger on `koinos.mempool.accept`, metrics, and gRPC health that turns NOT_SERVING
 * while production is stalled (see `isStalled`).
 */
import { type Logger, type MetricsRegistry, prom } from "@cairn/core";
import { block_producer, descriptorSetBytes } from "@cairn/proto";
import { privateKeyFromSeed, privateKeyFromWif } from "@cairn/protocol";
import { type GrpcServer, bindService, serveGrpc } from "@cairn/rpc";
import { type EventBus, Subjects, type Subscription } from "@cairn/bus";
import type { BlockProducerServiceOptions } from "./options.ts";
import { BlockProducer, type ProducerChain, type ProducerMempool } from "./producer.ts";
import { type BlockProducerServiceImpl, createBlockProducerService } from "./service.ts";
import type { ServiceUnit } from "@cairn/runtime";

export interface BlockProducerUnitDeps {
  logger: Logger;
  metrics: MetricsRegistry;
  /** Started bus: the instant-mode trigger subscribes to it. */
  bus: EventBus;
  chain: ProducerChain;
  mempool: ProducerMempool;
  /** Clock for block timestamps, ms since epoch. Default `Date.now`; the dev node's clock can run ahead. */
  now?: () => bigint;
}

export interface BlockProducerUnit extends ServiceUnit {
  /** Reports the whole server SERVING or NOT_SERVING on grpc.health.v1 (e.g. database unreachable). */
  setServing(serving: boolean): void;
  producer: BlockProducer;
  service: BlockProducerServiceImpl;
  /** Whether production is stalled now (what the health reports). */
  stalled(): boolean;
  start(): Promise<{ port: number | undefined }>;
  stop(): Promise<void>;
}

export function producerKeyOf(opts: Pick<BlockProducerServiceOptions, "producerKey" | "devSeed">): Uint8Array {
  return opts.producerKey ? privateKeyFromWif(opts.producerKey).privateKey : privateKeyFromSeed(`${opts.devSeed} producer`);
}

export function createBlockProducerUnit(opts: BlockProducerServiceOptions, deps: BlockProducerUnitDeps): BlockProducerUnit {
  const log = deps.logger.child({ module: "block-producer" });
  const blocks = new prom.Counter({ name: "cairn_block_producer_blocks_total", help: "Blocks produced", registers: [deps.metrics] });
  const txs = new prom.Counter({ name: "cairn_block_producer_transactions_total", help: "Transactions put in blocks", registers: [deps.metrics] });
  const failed = new prom.Counter({ name: "cairn_block_producer_failed_transactions_total", help: "Transactions left out of a block because the chain refused them there", registers: [deps.metrics] });
  const stalledGauge = new prom.Gauge({ name: "cairn_block_producer_stalled", help: "1 while block production is stalled (gRPC health NOT_SERVING)", registers: [deps.metrics] });
  const producer = new BlockProducer(
    { mode: opts.mode, intervalMs: opts.intervalMs, maxTransactionsPerBlock: opts.maxTransactionsPerBlock, instantBatchMs: opts.instantBatchMs, idlePollMs: opts.idlePollMs },
    {
      chain: deps.chain,
      mempool: deps.mempool,
      privateKey: producerKeyOf(opts),
      logger: log,
      now: deps.now,
      onProduced: (p) => {
        blocks.inc();
        txs.inc(p.block.transactions.length);
        failed.inc(p.failed.length);
      },
    },
  );
  const service = createBlockProducerService(producer);
  let server: GrpcServer | undefined;
  let sub: Subscription | undefined;
  let watch: ReturnType<typeof setInterval> | undefined;
  let runtimeServing = true;
  let reported: boolean | undefined;
  const stalled = () => isStalled(producer, opts.stallAfterMs, Date.now());
  const report = () => {
    const s = stalled();
    stalledGauge.set(s ? 1 : 0);
    const serving = runtimeServing && !s;
    if (serving !== reported) {
      reported = serving;
      server?.setServing("", serving);
      if (s) log.error({ lastProducedAt: new Date(producer.lastProducedAt).toISOString(), stallAfterMs: opts.stallAfterMs }, "block production stalled: health NOT_SERVING");
    }
  };
  return {
    setServing(serving: boolean) {
      runtimeServing = serving;
      reported = undefined;
      report();
    },
    producer,
    service,
    stalled,
    async start() {
      // A wake-up, not a record: no acknowledgement per transaction (the producer asks the mempool anyway).
      sub = await deps.bus.subscribe(Subjects.mempoolAccept, () => producer.notifyPending(), { deliverFrom: "new", acknowledge: false });
      await producer.start();
      const served = await serveGrpc(opts, [bindService(block_producer.BlockProducerServiceDefinition, service)], { logger: log, metrics: deps.metrics, descriptorSet: descriptorSetBytes() }, "block producer admin listening", { mode: producer.mode });
      server = served.server;
      watch = setInterval(report, Math.max(50, Math.min(5_000, Math.floor(opts.stallAfterMs / 4))));
      watch.unref?.();
      return { port: served.port };
    },
    async stop() {
      if (watch) clearInterval(watch);
      await sub?.close();
      await producer.stop();
      await server?.stop();
    },
  };
}

/**
 * Production is stalled when no block was made for longer than `stallAfterMs` although one was
 * due: in interval mode, one is due every interval (so the age allowed is at least two
 * intervals); in instant mode, when the last attempt failed (chain or mempool unreachable, a
 * refused block). Manual mode is never stalled.
 */
export function isStalled(p: Pick<BlockProducer, "mode" | "intervalMs" | "lastProducedAt" | "lastFailureAt">, stallAfterMs: number, now: number): boolean {
  const age = now - p.lastProducedAt;
  if (p.mode === "interval") return age > Math.max(stallAfterMs, 2 * p.intervalMs);
  if (p.mode === "instant") return p.lastFailureAt !== undefined && age > stallAfterMs;
  return false;
}
