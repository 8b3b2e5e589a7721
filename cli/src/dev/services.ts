/**
 * One set of the dev node's services — chain, block store, mempool, account history, block
 * producer — over the stores of the caller's storage (`storage.ts`: in memory, or a database) and a
 * bus given by it, wired with direct in-process clients (messages copied, not encoded; each gRPC
 * server still listening on its port). The dev node starts one at launch and replaces it with a
 * fresh one on `dev.revert` / `dev.reset`, after putting the data back, so every in-memory state
 * is rebuilt from the stores exactly as on a restart.
 */
import type { Logger, MetricsRegistry } from "@cairn/core";
import { type EventBus, Subjects, decodeEvent } from "@cairn/bus";
import { account_history, block_store, chain as chainPb, contract_meta_store, mempool as mempoolPb, p2p, transaction_store } from "@cairn/proto";
import { createInProcessClient, type ServiceClient, type ServiceImplementation } from "@cairn/rpc";
import * as chainSvc from "@cairn/chain";
import { chainReadsFromClient } from "@cairn/chain/client";
import * as blockStoreSvc from "@cairn/block-store";
import { type BlockSink, blockStoreFromClient } from "@cairn/block-store/client";
import * as mempoolSvc from "@cairn/mempool";
import { type MempoolChecks, deferredMempoolChecks } from "@cairn/mempool/client";
import * as historySvc from "@cairn/account-history";
import { type BlockProducer, type ProductionMode, blockProducerOptionsSchema, createBlockProducerUnit } from "@cairn/block-producer";
import type { DevClock } from "./clock.ts";
import type { DevOptions } from "./options.ts";
import type { DevStorage, DevStores } from "./storage.ts";

/**
 * How the services of one process call each other: directly, with copies of the messages (no
 * protobuf encode/decode where the types are in hand; architecture §7, "One process").
 */
export const DIRECT = { direct: true } as const;

/** What every set of services shares. */
export interface DevServicesDeps {
  logger: Logger;
  metrics: MetricsRegistry;
  bus: EventBus;
  /** Each service's storage deps. */
  stores: DevStores;
  /** The node's clock (ms since epoch). */
  now: () => bigint;
  /** Production mode to start in (the current one after a swap). */
  mode: ProductionMode;
  intervalMs: number;
  /** Wraps the block store as the chain hands it each block (the journal, with `--data`). */
  wrapBlockSink?: (sink: BlockSink) => BlockSink;
  /** Runs once the other services are up and before the producer starts (the journal's replay). */
  beforeProducer?: (services: { chain: chainSvc.ChainUnit; producer: BlockProducer; bus: EventBus }) => Promise<void>;
}

/** The running services and the implementations the gateway and the dev controls call. */
export interface DevServices {
  chain: chainSvc.ChainUnit;
  producer: BlockProducer;
  implementations: {
    chain: ServiceImplementation<typeof chainPb.ChainServiceDefinition>;
    contractMetaStore: ServiceImplementation<typeof contract_meta_store.ContractMetaStoreServiceDefinition>;
    p2p: ServiceImplementation<typeof p2p.P2pServiceDefinition>;
    blockStore: ServiceImplementation<typeof block_store.BlockStoreServiceDefinition>;
    transactionStore: ServiceImplementation<typeof transaction_store.TransactionStoreServiceDefinition>;
    mempool: ServiceImplementation<typeof mempoolPb.MempoolServiceDefinition>;
    accountHistory: ServiceImplementation<typeof account_history.AccountHistoryServiceDefinition>;
  };
  grpcPorts: Record<string, number | null | undefined>;
  /** Stops them in reverse order (stores and bus stay open). */
  stop(): Promise<void>;
}

/** The gRPC port of service `i` (chain 0, block store 1, mempool 2, account history 3, producer 4, dev 5). */
export function devPort(opts: DevOptions, i: number): number {
  return opts.grpcPortBase === 0 ? 0 : opts.grpcPortBase + i;
}

/** Builds and starts the services; on failure, stops what started and rethrows. */
export async function startDevServices(opts: DevOptions, deps: DevServicesDeps): Promise<DevServices> {
  const { logger, metrics, bus, stores } = deps;
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch((e) => logger.error({ err: String(e) }, "stop failed"));
    stops.length = 0;
  };
  try {
    // Block store first: the chain hands it every block before committing.
    const blockStore = blockStoreSvc.createBlockStoreUnit({ grpcHost: opts.host, grpcPort: devPort(opts, 1), topologyCacheSize: 10_000 }, { logger, metrics, bus, ...stores.blockStore });
    const blockStoreClient = createInProcessClient(block_store.BlockStoreServiceDefinition, blockStore.blockStore, DIRECT);

    let mempoolChecks: MempoolChecks | undefined;
    const chainOptions = chainSvc.chainOptionsSchema.parse({
      grpcHost: opts.host,
      grpcPort: devPort(opts, 0),
      devSeed: opts.seed,
      devAccounts: opts.accounts,
      devBalance: opts.balance,
      irreversibleThreshold: opts.irreversibleThreshold,
    });
    const chain = chainSvc.createChainUnit(chainOptions, {
      logger,
      metrics,
      bus,
      ...stores.chain,
      mempool: deferredMempoolChecks(() => mempoolChecks!),
      // The chain hands the block store the block and receipt it applied, read-only from then on: not copied.
      blockStore: withSink(blockStoreFromClient(createInProcessClient(block_store.BlockStoreServiceDefinition, blockStore.blockStore, { ...DIRECT, shareRequests: true })), deps.wrapBlockSink),
      now: deps.now,
    });
    const chainClient = createInProcessClient(chainPb.ChainServiceDefinition, chain.services.chain, DIRECT);

    const mempool = mempoolSvc.createMempoolUnit(mempoolSvc.mempoolOptionsSchema.parse({ grpcHost: opts.host, grpcPort: devPort(opts, 2), irreversibleThreshold: opts.irreversibleThreshold }), {
      logger,
      metrics,
      bus,
      ...stores.mempool,
      chain: chainReadsFromClient(chainClient),
      blocks: blockStoreFromClient(blockStoreClient),
      now: () => Number(deps.now()),
    });
    mempoolChecks = mempool.checks;
    const mempoolClient = createInProcessClient(mempoolPb.MempoolServiceDefinition, mempool.mempool, DIRECT);

    const history = historySvc.createAccountHistoryUnit(historySvc.accountHistoryOptionsSchema.parse({ grpcHost: opts.host, grpcPort: devPort(opts, 3) }), {
      logger,
      metrics,
      bus,
      ...stores.accountHistory,
      blocks: blockStoreFromClient(blockStoreClient),
      chain: chainReadsFromClient(chainClient),
    });

    const producer = createBlockProducerUnit(blockProducerOptionsSchema.parse({ grpcHost: opts.host, grpcPort: devPort(opts, 4), mode: deps.mode, intervalMs: deps.intervalMs, devSeed: opts.seed }), {
      logger,
      metrics,
      bus,
      // The producer proposes the block it built and only reads it afterwards: not copied. It only
      // reads the answers too (built fresh per call; the receipt is the block store's, read-only): not copied.
      chain: createInProcessClient(chainPb.ChainServiceDefinition, chain.services.chain, { ...DIRECT, shareRequests: true, shareResponses: true }),
      // The pending transactions as the mempool holds them (built fresh per call, read-only): the
      // producer only reads them and builds its block of those objects, not copies.
      mempool: createInProcessClient(mempoolPb.MempoolServiceDefinition, mempool.mempool, { ...DIRECT, shareResponses: true }),
      now: deps.now,
    });

    const grpcPorts: DevServices["grpcPorts"] = {};
    grpcPorts.blockStore = (await blockStore.start()).port;
    stops.push(() => blockStore.stop());
    grpcPorts.chain = (await chain.start()).port;
    stops.push(() => chain.stop());
    grpcPorts.mempool = (await mempool.start()).port;
    stops.push(() => mempool.stop());
    grpcPorts.accountHistory = (await history.start()).port;
    stops.push(() => history.stop());
    await deps.beforeProducer?.({ chain, producer: producer.producer, bus });
    grpcPorts.blockProducer = (await producer.start()).port;
    stops.push(() => producer.stop());

    return {
      chain,
      producer: producer.producer,
      implementations: {
        chain: chain.services.chain,
        contractMetaStore: chain.services.contractMetaStore,
        p2p: chain.services.p2p,
        blockStore: blockStore.blockStore,
        transactionStore: blockStore.transactionStore,
        mempool: mempool.mempool,
        accountHistory: history.service,
      },
      grpcPorts,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** `sink` with its `addBlock` wrapped by `wrap` (when given). */
function withSink<T extends BlockSink>(sink: T, wrap: ((sink: BlockSink) => BlockSink) | undefined): T {
  if (!wrap) return sink;
  const wrapped = wrap({ addBlock: (block, receipt) => sink.addBlock(block, receipt) });
  return { ...sink, addBlock: (block, receipt) => wrapped.addBlock(block, receipt) };
}

/** A set of services on a bus of its own, with the clients the dev controls use. */
export interface DevGeneration {
  bus: EventBus;
  services: DevServices;
  chain: ServiceClient<typeof chainPb.ChainServiceDefinition>;
  mempool: ServiceClient<typeof mempoolPb.MempoolServiceDefinition>;
  transactionStore: ServiceClient<typeof transaction_store.TransactionStoreServiceDefinition>;
  blockStore: ServiceClient<typeof block_store.BlockStoreServiceDefinition>;
  /** Stops the services, forgets the metrics they registered, closes the bus. */
  stop(): Promise<void>;
}

export interface DevGenerationDeps {
  logger: Logger;
  metrics: MetricsRegistry;
  /** Where the services keep their data; each set takes its stores from it at start. */
  storage: DevStorage;
  clock: DevClock;
  mode: ProductionMode;
  intervalMs: number;
  openBus(): Promise<EventBus>;
  closeBus(bus: EventBus): Promise<void>;
  wrapBlockSink?: DevServicesDeps["wrapBlockSink"];
  beforeProducer?: DevServicesDeps["beforeProducer"];
}

/**
 * Starts a set of services on a new bus. The metrics they register are removed again when they
 * stop (the next set registers the same names), and the clock sees every block's timestamp (a
 * fixed next-block time is released once a block reaches it).
 */
export async function startDevGeneration(opts: DevOptions, deps: DevGenerationDeps): Promise<DevGeneration> {
  const { metrics, clock } = deps;
  const names = () => new Set(metrics.getMetricsAsArray().map((m) => m.name));
  const bus = await deps.openBus();
  const before = names();
  // What this set registered (not what others, e.g. the gateway, register later).
  const registered = () => [...names()].filter((name) => !before.has(name));
  const forget = (owned: string[]) => owned.forEach((name) => metrics.removeSingleMetric(name));
  let services: DevServices;
  try {
    services = await startDevServices(opts, {
      logger: deps.logger,
      metrics,
      bus,
      stores: deps.storage.stores(),
      now: clock.now,
      mode: deps.mode,
      intervalMs: deps.intervalMs,
      wrapBlockSink: deps.wrapBlockSink,
      beforeProducer: deps.beforeProducer,
    });
  } catch (e) {
    forget(registered());
    await deps.closeBus(bus);
    throw e;
  }
  const owned = registered();
  const observer = await bus.subscribe(Subjects.blockAccept, (m) => {
    const timestamp = decodeEvent(Subjects.blockAccept, m, deps.logger)?.block?.header?.timestamp;
    if (timestamp !== undefined) clock.observeBlock(timestamp);
  });
  return {
    bus,
    services,
    chain: createInProcessClient(chainPb.ChainServiceDefinition, services.implementations.chain, DIRECT),
    mempool: createInProcessClient(mempoolPb.MempoolServiceDefinition, services.implementations.mempool, DIRECT),
    transactionStore: createInProcessClient(transaction_store.TransactionStoreServiceDefinition, services.implementations.transactionStore, DIRECT),
    blockStore: createInProcessClient(block_store.BlockStoreServiceDefinition, services.implementations.blockStore, DIRECT),
    async stop() {
      await observer.close();
      await services.stop();
      forget(owned);
      await deps.closeBus(bus);
    },
  };
}
