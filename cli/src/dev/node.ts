/**
 * The one-process dev node: chain, block store, mempool, block producer, account history and the
 * gateway in one process, wired with in-process clients (each gRPC server still listening on its
 * port), PGlite per service under the data directory (or in memory, or Postgres), and the
 * in-process bus (or NATS). Stops in reverse order.
 */
import { join, resolve } from "node:path";
import { CairnError, ErrorStatus, type Logger, createMetricsRegistry } from "@cairn/core";
import { addressFromBase58, addressToBase58, contractMetaAbiSource, createEventDecoder, defaultJsonCodec, koinAbiSource } from "@cairn/protocol";
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
import { startDevConsole } from "./console.ts";
import { assertDevPortsFree } from "./preflight.ts";
import { DataDirErrorCode, type GenesisFlags, checkGenesisFlags, genesisMismatchMessage, lockDataDir, recordGenesisFlags } from "./data-dir.ts";
import { type DevOptions, dataDirOf } from "./options.ts";

/** KOIN's decimals (the native contract's `decimals`): balances are in units of 10^-8 KOIN. */
const KOIN_DECIMALS = 8;

export interface DevNode {
  chainId: Uint8Array;
  /** The native KOIN contract (base58) and its decimals. */
  koin: { address: string; decimals: number };
  /** Where the chain is kept: a directory, or undefined (memory or Postgres). */
  dataDir: string | undefined;
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
  const dir = dataDirOf(opts);
  return dir === undefined ? "pglite://memory" : `pglite://${resolve(join(dir, "pglite"))}`;
}

/** What the dev node may be given besides its options. */
export interface DevNodeDeps {
  /** Where the per-block console lines go; default none (no console). */
  console?: { write(line: string): void; color: boolean };
}

export async function startDevNode(opts: DevOptions, logger: Logger, deps: DevNodeDeps = {}): Promise<DevNode> {
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch((e) => logger.error({ err: String(e) }, "stop failed"));
  };
  const dataDir = dataDirOf(opts);
  const chainOptions = chainSvc.chainOptionsSchema.parse({
    grpcHost: opts.host,
    grpcPort: opts.grpcPortBase === 0 ? 0 : opts.grpcPortBase,
    devSeed: opts.seed,
    devAccounts: opts.accounts,
    devBalance: opts.balance,
    irreversibleThreshold: opts.irreversibleThreshold,
  });
  const genesisFlags: GenesisFlags = { seed: opts.seed, accounts: opts.accounts, balance: opts.balance, koinAddress: chainOptions.koinAddress };
  // Ports another process holds fail now, in milliseconds, naming the flag (not after PGlite starts).
  assertDevPortsFree(opts);
  let lock: ReturnType<typeof lockDataDir> | undefined;
  if (dataDir !== undefined) {
    // Before anything opens the database: a second node on the directory, or other genesis flags, stop here.
    const held = lockDataDir(dataDir);
    lock = held;
    stops.push(async () => held.release());
    try {
      checkGenesisFlags(dataDir, genesisFlags);
    } catch (e) {
      held.release();
      throw e;
    }
  }
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
    grpcPorts.chain = (await chain.start().catch((e: unknown) => {
      // The chain's own words name no directory and no flag: say which, and the ways out.
      if (dataDir !== undefined && e instanceof Error && /holds chain .* but the genesis configured gives/.test(e.message)) {
        throw new CairnError(DataDirErrorCode.GenesisMismatch, `${genesisMismatchMessage(dataDir, [])} (${e.message})`, { status: ErrorStatus.FailedPrecondition, cause: e });
      }
      throw e;
    })).port;
    if (dataDir !== undefined) recordGenesisFlags(dataDir, genesisFlags, chain.chain.rules.chainId);
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
        // Instant and manual production make blocks only on demand: an old head is not a fault then.
        health: { maxHeadAgeMs: opts.mode === "interval" ? Math.max(60_000, opts.intervalMs * 10) : 0 },
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
    lock?.update({ url: gateway.url });

    if (deps.console) {
      const events = createEventDecoder({ sources: [koinAbiSource(defaultJsonCodec(), chainOptions.koinAddress), contractMetaAbiSource(async (contract) => (await metaClient.getContractMeta({ contract_id: addressFromBase58(contract) })).meta?.abi)] });
      const sub = await startDevConsole(bus, events, { ...deps.console, koinAddress: chainOptions.koinAddress, decimals: KOIN_DECIMALS });
      // Before the bus closes (stops run in reverse).
      stops.push(() => sub.close());
    }

    return {
      chainId: chain.chain.rules.chainId,
      koin: { address: chainOptions.koinAddress, decimals: KOIN_DECIMALS },
      dataDir,
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
