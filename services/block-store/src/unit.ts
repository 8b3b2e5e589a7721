/**
 * The block store as one unit: the store on the caller's database, the gRPC services
 * (BlockStoreService + TransactionStoreService, with health and reflection), the
 * `koinos.block.accept` consumer and the metrics. `main.ts` (standalone) and the one-process dev
 * node both compose it. Construction has no side effects; `start` subscribes and listens.
 */
import type { Logger, MetricsRegistry } from "@cairn/core";
import type { EventBus, Subscription } from "@cairn/bus";
import { type StoreSource, storeFrom } from "@cairn/db";
import { descriptorSetBytes, transaction_store } from "@cairn/proto";
import { type GrpcServer, bindService, serveGrpc } from "@cairn/rpc";
import { subscribeBlockAccept } from "./events.ts";
import { splicingBlockStoreDefinition } from "./splice.ts";
import { createBlockStoreMetrics } from "./metrics.ts";
import type { BlockStoreOptions } from "./options.ts";
import { type BlockStoreServiceImpl, type TransactionStoreServiceImpl, createBlockStoreService, createTransactionStoreService } from "./service.ts";
import { DrizzleBlockStore } from "./store/drizzle-store.ts";
import type { BlockStore } from "./store/store.ts";
import { createBlockWriter } from "./writer.ts";
import type { ServiceUnit } from "@cairn/runtime";

/**
 * What the block store unit uses; the caller owns (starts and closes) each of them. Storage: `db`,
 * the database, opened with `SCHEMA_NAME` and migrated with `MIGRATIONS_FOLDER` (lookups use its
 * `readDb`), on which the unit builds its Drizzle store; or `store`, a store built by the caller
 * (the dev node's in-memory one).
 */
export type BlockStoreUnitDeps = StoreSource<BlockStore> & {
  logger: Logger;
  /** Registry for the block store's and the gRPC server's metrics. */
  metrics: MetricsRegistry;
  /** A started bus; the unit subscribes to `koinos.block.accept` on it. */
  bus: EventBus;
};

/** A block store unit. */
export interface BlockStoreUnit extends ServiceUnit {
  /** Reports the whole server SERVING or NOT_SERVING on grpc.health.v1 (e.g. database unreachable). */
  setServing(serving: boolean): void;
  /**
   * Subscribes to `koinos.block.accept` (durable consumer `block_store`) and starts the gRPC
   * server; resolves with its bound port, or undefined when `grpcPort` is null (in-process use only).
   */
  start(): Promise<{ port: number | undefined }>;
  /** Stops the gRPC server (draining calls), then the subscription (finishing the message in hand). */
  stop(): Promise<void>;
  /** BlockStoreService implementation (for in-process clients; `addBlock` is the chain's sink). */
  blockStore: BlockStoreServiceImpl;
  /** TransactionStoreService implementation. */
  transactionStore: TransactionStoreServiceImpl;
  /** The store underneath (tests, rebuild tooling). */
  store: BlockStore;
}

/** Builds a block store unit; nothing runs until `start`. */
export function createBlockStoreUnit(options: Pick<BlockStoreOptions, "grpcHost" | "grpcPort" | "topologyCacheSize">, deps: BlockStoreUnitDeps): BlockStoreUnit {
  const logger = deps.logger.child({ module: "block-store" });
  const metrics = createBlockStoreMetrics(deps.metrics);
  // Lookups on the read replica when the handle has one (DATABASE_READ_URL); writes on the primary.
  const store = storeFrom<BlockStore>(deps, (db) => new DrizzleBlockStore(db.db, { topologyCacheSize: options.topologyCacheSize, readDb: db.readDb }));
  const writer = createBlockWriter({ store, metrics, logger });
  const blockStore = createBlockStoreService({ store, writer, metrics });
  const transactionStore = createTransactionStoreService({ store, metrics });
  let subscription: Subscription | undefined;
  let server: GrpcServer | undefined;

  return {
    setServing(serving: boolean) {
      server?.setServing("", serving);
    },
    blockStore,
    transactionStore,
    store,
    async start() {
      subscription = await subscribeBlockAccept({ bus: deps.bus, store, writer, metrics, logger });
      try {
        const served = await serveGrpc(options, [bindService(splicingBlockStoreDefinition, blockStore), bindService(transaction_store.TransactionStoreServiceDefinition, transactionStore)], { logger: logger, metrics: deps.metrics, descriptorSet: descriptorSetBytes() }, "block store listening");
        server = served.server;
        if (!server) logger.info({}, "block store consuming events (no gRPC server)");
        return { port: served.port };
      } catch (err) {
        await subscription.close();
        subscription = undefined;
        throw err;
      }
    },
    async stop() {
      await server?.stop();
      server = undefined;
      await subscription?.close();
      subscription = undefined;
    },
  };
}
