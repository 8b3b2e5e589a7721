/**
 * The one-process dev node: chain, block store, mempool, block producer, account history and the
 * gateway in one process, wired with in-process clients (each gRPC server still listening on its
 * port), PGlite per service under the data directory (or in memory, or Postgres), and the
 * in-process bus (or NATS). Stops in reverse order.
 */
import { join, resolve } from "node:path";
import { type Logger, createMetricsRegistry } from "@cairn/core";
import { addressToBase58 } from "@cairn/protocol";
import { type EventBus, createMemoryEventBus, createNatsEventBus } from "@cairn/bus";
import { type DatabaseHandle, openDatabase } from "@cairn/db";
import { account_history, block_store, chain as chainPb, contract_meta_store, mempool as mempoolPb, transaction_store } from "@cairn/proto";
import { createInProcessClient } from "@cairn/rpc";
import * as chainSvc from "@cairn/chain";
import * as blockStoreSvc from "@cairn/block-store";
import * as mempoolSvc from "@cairn/mempool";
import * as historySvc from "@cairn/account-history";
import { blockProducerOptionsSchema, createBlockProducerNode } from "@cairn/block-producer";
import { startGateway } from "@cairn/gateway";
import type { DevOptions } from "./options.ts";

export interface DevNode {
  chainId: Uint8Array;
  accounts: chainSvc.DevAccount[];
  producerAddress: string;
  url: string;
  grpcPorts: Record<string, number | null | undefined>;
  stop(): Promise<void>;
}

/**
 * One database for every service, each in its own schema: Postgres when given, else one PGlite
 * instance (each costs ~200 MB, so the services share it) in memory or under the data directory.
 */
function databaseUrlFor(opts: DevOptions): string {
  if (opts.databaseUrl) return opts.databaseUrl;
  if (opts.memory) return "pglite://memory";
  return `pglite://${resolve(join(opts.data, "pglite"))}`;
}

export async function startDevNode(opts: DevOptions, logger: Logger): Promise<DevNode> {
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch((e) => logger.error({ err: String(e) }, "stop failed"));
  };
  try {
    const metrics = createMetricsRegistry("cairn-dev");
    const bus: EventBus = opts.natsUrl ? createNatsEventBus({ url: opts.natsUrl, name: "cairn-dev" }, { logger }) : createMemoryEventBus({}, { logger });
    await bus.start();
    stops.push(() => bus.close());

    const port = (i: number) => (opts.grpcPortBase === 0 ? 0 : opts.grpcPortBase + i);
    const open = async (m: { MIGRATIONS_FOLDER: string; SCHEMA_NAME: string }): Promise<DatabaseHandle> => {
      const db = await openDatabase(databaseUrlFor(opts), { logger, schemaName: m.SCHEMA_NAME, migrationsFolder: m.MIGRATIONS_FOLDER });
      stops.push(() => db.close());
      return db;
    };
    const chainDb = await open(chainSvc);
    const blockDb = await open(blockStoreSvc);
    const mempoolDb = await open(mempoolSvc);
    const historyDb = await open(historySvc);

    // Block store first: the chain hands it every block before committing.
    const blockStore = blockStoreSvc.createBlockStoreNode({ grpcHost: opts.host, grpcPort: port(1), topologyCacheSize: 10_000 }, { logger, metrics, bus, db: blockDb });
    const blockStoreClient = createInProcessClient(block_store.BlockStoreServiceDefinition, blockStore.blockStore);
    const txStoreClient = createInProcessClient(transaction_store.TransactionStoreServiceDefinition, blockStore.transactionStore);

    let mempoolChecks: chainSvc.MempoolChecks | undefined;
    const chainOptions = chainSvc.chainOptionsSchema.parse({
      grpcHost: opts.host,
      grpcPort: port(0),
      devSeed: opts.seed,
      devAccounts: opts.accounts,
      devBalance: opts.balance,
      irreversibleThreshold: opts.irreversibleThreshold,
    });
    const chain = chainSvc.createChainNode(chainOptions, {
      logger,
      metrics,
      bus,
      db: chainDb.db,
      mempool: {
        pendingNonce: (payee) => mempoolChecks!.pendingNonce(payee),
        checkResources: (payer, max, rc) => mempoolChecks!.checkResources(payer, max, rc),
      },
      blockStore: chainSvc.blockStoreFromClient(blockStoreClient),
    });
    const chainClient = createInProcessClient(chainPb.ChainServiceDefinition, chain.services.chain);
    const metaClient = createInProcessClient(contract_meta_store.ContractMetaStoreServiceDefinition, chain.services.contractMetaStore);

    const mempool = mempoolSvc.createMempoolNode(mempoolSvc.mempoolOptionsSchema.parse({ grpcHost: opts.host, grpcPort: port(2), irreversibleThreshold: opts.irreversibleThreshold }), {
      logger,
      metrics,
      bus,
      db: mempoolDb,
      chain: mempoolSvc.chainReadsFromClient(chainClient),
      blocks: mempoolSvc.blockSourceFromClient(blockStoreClient),
    });
    mempoolChecks = mempool.checks;
    const mempoolClient = createInProcessClient(mempoolPb.MempoolServiceDefinition, mempool.mempool);

    const history = historySvc.createAccountHistoryNode(historySvc.accountHistoryOptionsSchema.parse({ grpcHost: opts.host, grpcPort: port(3) }), {
      logger,
      metrics,
      bus,
      db: historyDb.db,
      blocks: historySvc.blockSourceFromClient(blockStoreClient),
      chain: historySvc.chainReadsFromClient(chainClient),
    });
    const historyClient = createInProcessClient(account_history.AccountHistoryServiceDefinition, history.service);

    const producer = createBlockProducerNode(blockProducerOptionsSchema.parse({ grpcHost: opts.host, grpcPort: port(4), mode: opts.mode, intervalMs: opts.intervalMs, devSeed: opts.seed }), {
      logger,
      metrics,
      bus,
      chain: chainClient,
      mempool: mempoolClient,
    });

    const grpcPorts: DevNode["grpcPorts"] = {};
    grpcPorts.blockStore = (await blockStore.start()).port;
    stops.push(() => blockStore.stop());
    grpcPorts.chain = (await chain.start()).port;
    stops.push(() => chain.stop());
    grpcPorts.mempool = (await mempool.start()).port;
    stops.push(() => mempool.stop());
    grpcPorts.accountHistory = (await history.start()).port;
    stops.push(() => history.stop());
    grpcPorts.blockProducer = (await producer.start()).port;
    stops.push(() => producer.stop());

    const gateway = await startGateway(
      {
        host: opts.host,
        port: opts.port,
        // Head info and other chain-wide reads served from state kept current by block events (architecture §9).
        readCache: { enabled: true },
        // Interval: the head must be fresh. Instant: an old head is idle unless transactions wait
        // for a minute with no block. Manual: blocks come when asked, so no head check.
        health:
          opts.mode === "interval"
            ? { maxHeadAgeMs: Math.max(60_000, opts.intervalMs * 10) }
            : opts.mode === "instant"
              ? { maxHeadAgeMs: 60_000, idleHeadOk: true }
              : { maxHeadAgeMs: 0 },
      },
      {
        logger,
        metrics,
        bus,
        clients: {
          [chainPb.ChainServiceDefinition.fullName]: chainClient,
          [contract_meta_store.ContractMetaStoreServiceDefinition.fullName]: metaClient,
          [block_store.BlockStoreServiceDefinition.fullName]: blockStoreClient,
          [transaction_store.TransactionStoreServiceDefinition.fullName]: txStoreClient,
          [mempoolPb.MempoolServiceDefinition.fullName]: mempoolClient,
          [account_history.AccountHistoryServiceDefinition.fullName]: historyClient,
        },
      },
    );
    stops.push(() => gateway.stop());

    return {
      chainId: chain.chain.rules.chainId,
      accounts: chain.dev?.accounts ?? [],
      producerAddress: chain.dev ? addressToBase58(chain.dev.producerAddress) : "",
      url: gateway.url,
      grpcPorts,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
