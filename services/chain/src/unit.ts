/**
 * The chain service as one unit: builds the Chain from options and dependencies, serves
 * ChainService + ContractMetaStoreService over gRPC (with health and reflection), publishes events
 * and keeps metrics. main.ts (standalone) and the one-process dev node both compose it.
 */
import type { Logger, MetricsRegistry } from "@cairn/core";
import { chain as chainPb, contract_meta_store, descriptorSetBytes, p2p, type protocol } from "@cairn/proto";
import { addressFromBase58 } from "@cairn/protocol";
import { type GrpcServer, bindService, serveGrpc } from "@cairn/rpc";
import type { EventBus } from "@cairn/bus";
import { type StoreSource, storeFrom } from "@cairn/db";
import type { BlockSink, BlockSource } from "@cairn/block-store/client";
import type { MempoolChecks } from "@cairn/mempool/client";
import { Chain, type ChainEvents, defaultChainOptions } from "./chain.ts";
import { createKoinContract, defaultKoinOptions } from "./contracts/koin.ts";
import { ContractRuntime } from "./contracts/runtime.ts";
import { createChainEvents } from "./events.ts";
import { DEV_GENESIS_KEY_BALANCE, type DevGenesis, devGenesis, loadGenesisFile } from "./genesis.ts";
import { createChainMetrics } from "./metrics.ts";
import { type ChainServiceOptions, KOIN_UNIT } from "./options.ts";
import { reindex } from "./reindex.ts";
import { createChainService, createContractMetaStoreService, createP2pService } from "./service.ts";
import { DrizzleChainStore } from "./store/drizzle-store.ts";
import type { ChainStore } from "./store/store.ts";
import type { ServiceUnit } from "@cairn/runtime";

/**
 * What the unit uses. Storage: `db`, the chain's database, migrated (`MIGRATIONS_FOLDER`, schema
 * `SCHEMA_NAME`), on which the unit builds its Drizzle store; or `store`, a store built by the
 * caller (the dev node's in-memory one).
 */
export type ChainUnitDeps = StoreSource<ChainStore> & {
  logger: Logger;
  metrics: MetricsRegistry;
  /** Started bus; the chain publishes its events on it. */
  bus: EventBus;
  /** Mempool checks for submit_transaction (absent: none). */
  mempool?: MempoolChecks;
  /** Block store: add_block before each commit, and the source of --reindex. */
  blockStore?: BlockSink & Pick<BlockSource, "highest" | "blocksByHeight"> & Partial<Pick<BlockSource, "blocksWithReceiptsByHeight">>;
  /** Clock in ms since epoch (block timestamp bounds, reads at the pending block). Default `Date.now`; the dev node's clock can run ahead. */
  now?: () => bigint;
};

export interface ChainUnit extends ServiceUnit {
  chain: Chain;
  /** The dev genesis (keys and accounts) when no genesis file is configured. */
  dev: DevGenesis | undefined;
  /** gRPC implementations (for in-process clients). */
  services: { chain: ReturnType<typeof createChainService>; contractMetaStore: ReturnType<typeof createContractMetaStoreService>; p2p: ReturnType<typeof createP2pService> };
  /** Reports the whole server SERVING or NOT_SERVING on grpc.health.v1 (e.g. database unreachable). */
  setServing(serving: boolean): void;
  /** Loads the chain (reindexing if asked) and starts the gRPC server; resolves with its port. */
  start(signal?: AbortSignal): Promise<{ port: number | undefined }>;
  stop(): Promise<void>;
}

export function createChainUnit(opts: ChainServiceOptions, deps: ChainUnitDeps): ChainUnit {
  const log = deps.logger.child({ module: "chain" });
  const koinId = addressFromBase58(opts.koinAddress);
  const dev = opts.genesisFile ? undefined : devGenesis({ seed: opts.devSeed, accounts: opts.devAccounts, balance: BigInt(opts.devBalance) * KOIN_UNIT, koinId, genesisKeyBalance: DEV_GENESIS_KEY_BALANCE });
  const genesis: protocol.GenesisData = opts.genesisFile ? loadGenesisFile(opts.genesisFile) : dev!.genesis;
  const runtime = new ContractRuntime();
  // A dev chain's genesis key may burn from any account (the dev controls' set_balance).
  runtime.register(koinId, createKoinContract({ ...defaultKoinOptions, systemMayBurn: dev !== undefined }));
  let loaded = false;
  const metrics = createChainMetrics(deps.metrics, () => (loaded ? chain.head.timestamp : undefined));
  const published = createChainEvents(deps.bus, log);
  const events: ChainEvents = {
    blockApplied(e) {
      metrics.blocksApplied.inc({ head: String(e.head) });
      if (e.head) metrics.headHeight.set(Number(e.block.header?.height ?? 0n));
      if (e.newLib) metrics.libHeight.set(Number(e.newLib.height));
      published.blockApplied(e);
    },
    transactionAccepted(e) {
      return published.transactionAccepted(e);
    },
    transactionFailed(e) {
      metrics.transactions.inc({ outcome: "failed" });
      published.transactionFailed?.(e);
    },
    republishHeadAccept(e) {
      return published.republishHeadAccept!(e);
    },
    async transactionExpired(e) {
      await published.transactionExpired!(e);
      metrics.transactions.inc({ outcome: "failed" });
    },
  };
  const chain = new Chain(
    {
      ...defaultChainOptions,
      irreversibleThreshold: opts.irreversibleThreshold,
      forkChoice: opts.forkChoice,
      readComputeLimit: BigInt(opts.readComputeLimit),
      pendingWindowSize: opts.pendingWindowSize,
      republishAfterMs: opts.republishAfterMs,
      deliveryTimeoutMs: opts.deliveryTimeoutMs,
      publishTimeoutMs: opts.publishTimeoutMs,
      recoveryWorker: opts.recoveryWorker,
    },
    { store: storeFrom<ChainStore>(deps, (db) => new DrizzleChainStore(db.db)), runtime, genesis, koinId, events, mempool: deps.mempool, blockStore: deps.blockStore, logger: log, now: deps.now },
  );
  const service = createChainService(chain);
  const instrumented: typeof service = {
    ...service,
    async submitBlock(req, ctx) {
      const end = metrics.blockSeconds.startTimer();
      try {
        return await service.submitBlock(req, ctx);
      } catch (e) {
        metrics.blocksRejected.inc();
        throw e;
      } finally {
        end();
      }
    },
    async submitTransaction(req, ctx) {
      try {
        const r = await service.submitTransaction(req, ctx);
        metrics.transactions.inc({ outcome: "accepted" });
        return r;
      } catch (e) {
        metrics.transactions.inc({ outcome: "rejected" });
        throw e;
      }
    },
  };
  const contractMetaStore = createContractMetaStoreService(chain);
  const p2pService = createP2pService();
  let server: GrpcServer | undefined;
  let auditTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  // One audit at a time, the next armed after the last (never a backlog).
  const audit = () => {
    auditTimer = setTimeout(() => {
      void chain
        .auditDelivery()
        .then((r) => {
          metrics.republished.inc({ what: "transaction" }, r.republished);
          if (r.headRepublished) metrics.republished.inc({ what: "head_block" });
        })
        .catch((e: unknown) => log.warn({ err: String(e) }, "delivery audit failed"))
        .finally(() => {
          if (!stopped) audit();
        });
    }, opts.deliveryAuditMs);
    auditTimer.unref?.();
  };

  return {
    setServing(serving: boolean) {
      server?.setServing("", serving);
    },
    chain,
    dev,
    services: { chain: instrumented, contractMetaStore, p2p: p2pService },
    async start(signal) {
      await chain.start();
      if (opts.reindex) {
        if (!deps.blockStore) throw new Error("--reindex needs the block store (blockStoreAddress)");
        await reindex(chain, deps.blockStore, log, signal);
      }
      metrics.headHeight.set(Number(chain.head.height));
      metrics.libHeight.set(Number(chain.lib.height));
      loaded = true;
      const served = await serveGrpc(opts, [bindService(chainPb.ChainServiceDefinition, instrumented), bindService(contract_meta_store.ContractMetaStoreServiceDefinition, contractMetaStore), bindService(p2p.P2pServiceDefinition, p2pService)], { logger: log, metrics: deps.metrics, descriptorSet: descriptorSetBytes() }, "chain service listening", { chain: chain.describe() });
      server = served.server;
      if (opts.deliveryAuditMs > 0) audit();
      return { port: served.port };
    },
    async stop() {
      stopped = true;
      if (auditTimer) clearTimeout(auditTimer);
      await server?.stop();
      chain.close();
    },
  };
}
