/**
 * The block producer as one unit: the producer, its admin gRPC server (never public), the
 * instant-mode trigger on `koinos.mempool.accept`, and metrics.
 */
import { type Logger, type MetricsRegistry, prom } from "@cairn/core";
import { block_producer, descriptorSetBytes } from "@cairn/proto";
import { privateKeyFromSeed, privateKeyFromWif } from "@cairn/protocol";
import { type GrpcServer, createGrpcServer } from "@cairn/rpc";
import { type EventBus, Subjects, type Subscription } from "@cairn/bus";
import type { BlockProducerServiceOptions } from "./options.ts";
import { BlockProducer, type ProducerChain, type ProducerMempool } from "./producer.ts";
import { type BlockProducerServiceImpl, createBlockProducerService } from "./service.ts";

export interface BlockProducerNodeDeps {
  logger: Logger;
  metrics: MetricsRegistry;
  bus: Pick<EventBus, "publish" | "subscribe">;
  chain: ProducerChain;
  mempool: ProducerMempool;
  /** Clock for block timestamps, ms since epoch. Default `Date.now`; the dev node's clock can run ahead. */
  now?: () => bigint;
}

export interface BlockProducerNode {
  /** Reports the whole server SERVING or NOT_SERVING on grpc.health.v1 (e.g. database unreachable). */
  setServing(serving: boolean): void;
  producer: BlockProducer;
  service: BlockProducerServiceImpl;
  start(): Promise<{ port: number | undefined }>;
  stop(): Promise<void>;
}

export function producerKeyOf(opts: Pick<BlockProducerServiceOptions, "producerKey" | "devSeed">): Uint8Array {
  return opts.producerKey ? privateKeyFromWif(opts.producerKey).privateKey : privateKeyFromSeed(`${opts.devSeed} producer`);
}

export function createBlockProducerNode(opts: BlockProducerServiceOptions, deps: BlockProducerNodeDeps): BlockProducerNode {
  const log = deps.logger.child({ module: "block-producer" });
  const blocks = new prom.Counter({ name: "cairn_block_producer_blocks_total", help: "Blocks produced", registers: [deps.metrics] });
  const txs = new prom.Counter({ name: "cairn_block_producer_transactions_total", help: "Transactions put in blocks", registers: [deps.metrics] });
  const failed = new prom.Counter({ name: "cairn_block_producer_failed_transactions_total", help: "Transactions left out because the chain rejected them", registers: [deps.metrics] });
  const producer = new BlockProducer(
    { mode: opts.mode, intervalMs: opts.intervalMs, maxTransactionsPerBlock: opts.maxTransactionsPerBlock, includedMemoryMs: 30_000, instantBatchMs: opts.instantBatchMs },
    {
      chain: deps.chain,
      mempool: deps.mempool,
      publisher: deps.bus,
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
  return {
    setServing(serving: boolean) {
      server?.setServing("", serving);
    },
    producer,
    service,
    async start() {
      sub = await deps.bus.subscribe(Subjects.mempoolAccept, () => producer.notifyPending(), { deliverFrom: "new", maxAckPending: 1000 });
      await producer.start();
      server = createGrpcServer({ host: opts.grpcHost, port: opts.grpcPort, descriptorSet: descriptorSetBytes() }, { logger: log, metrics: deps.metrics });
      server.addService(block_producer.BlockProducerServiceDefinition, service);
      const port = await server.start();
      log.info({ port, mode: producer.mode }, "block producer admin listening");
      return { port };
    },
    async stop() {
      await sub?.close();
      await producer.stop();
      await server?.stop({ graceMs: 5000 });
    },
  };
}
