/**
 * Account history as one unit: the store, the indexer fed by `koinos.block.*` (durable consumer
 * `account_history`), the catch-up at start, the periodic head check (`resyncMs`), the gRPC server (with health and reflection) and
 * metrics. main.ts (standalone) and the one-process node both compose it.
 */
import { type Logger, type MetricsRegistry, repeatEvery, retryWithBackoff } from "@cairn/core";
import type { EventBus, Subscription } from "@cairn/bus";
import { type StoreSource, storeFrom } from "@cairn/db";
import { account_history, descriptorSetBytes } from "@cairn/proto";
import { type GrpcServer, bindService, serveGrpc } from "@cairn/rpc";
import { ACCOUNT_HISTORY_DURABLE, ACCOUNT_HISTORY_SUBJECTS, createEventHandler } from "./events.ts";
import { AccountHistoryIndexer } from "./indexer.ts";
import { createAccountHistoryMetrics } from "./metrics.ts";
import type { AccountHistoryOptions } from "./options.ts";
import type { HistoryBlocks, HistoryChain } from "./ports.ts";
import { type AccountHistoryServiceImpl, createAccountHistoryService } from "./service.ts";
import { RecordCache } from "./record-cache.ts";
import { DrizzleAccountHistoryStore } from "./store/drizzle-store.ts";
import type { AccountHistoryStore } from "./store/store.ts";
import type { ServiceUnit } from "@cairn/runtime";

/**
 * What the unit uses. Storage: `db`, the database, migrated (`MIGRATIONS_FOLDER`, schema
 * `SCHEMA_NAME`), on which the unit builds its Drizzle store (`get_account_history` queries go to
 * its `readDb`, a streaming replica when DATABASE_READ_URL is set); or `store`, a store built by
 * the caller (the dev node's in-memory one).
 */
export type AccountHistoryUnitDeps = StoreSource<AccountHistoryStore> & {
  logger: Logger;
  metrics: MetricsRegistry;
  /** Started bus; the unit subscribes on start and unsubscribes on stop. */
  bus: EventBus;
  /** Blocks and receipts by height (the block store). */
  blocks: HistoryBlocks;
  /** The chain head and LIB. */
  chain: HistoryChain;
  /** Durable consumer name. Default `account_history`; instances sharing it share the work. */
  durable?: string;
};

/** A composed account history service. */
export interface AccountHistoryUnit extends ServiceUnit {
  /** The gRPC implementation (for in-process clients). */
  service: AccountHistoryServiceImpl;
  store: AccountHistoryStore;
  indexer: AccountHistoryIndexer;
  /** Reports the whole server SERVING or NOT_SERVING on grpc.health.v1 (e.g. database unreachable). */
  setServing(serving: boolean): void;
  /** Subscribes, catches up to the chain head and starts the gRPC server; resolves with its port. */
  start(signal?: AbortSignal): Promise<{ port: number | undefined }>;
  /** Stops consuming (the message in hand finishes first), the catch-up retry, the head check and the server. */
  stop(): Promise<void>;
}

/** Builds the service; nothing runs until `start`. */
export function createAccountHistoryUnit(opts: AccountHistoryOptions, deps: AccountHistoryUnitDeps): AccountHistoryUnit {
  const log = deps.logger.child({ module: "account-history" });
  const metrics = createAccountHistoryMetrics(deps.metrics);
  const store = storeFrom<AccountHistoryStore>(deps, (db) => new DrizzleAccountHistoryStore(db.db, { readDb: db.readDb }));
  const indexer = new AccountHistoryIndexer({ store, blocks: deps.blocks, chain: deps.chain, logger: log, metrics }, { batchSize: opts.batchSize });
  const service = createAccountHistoryService(store, new RecordCache(opts.recordCacheBytes));
  const stopping = new AbortController();
  let sub: Subscription | undefined;
  let server: GrpcServer | undefined;
  let retrying: Promise<unknown> | undefined;
  let checking: Promise<void> | undefined;

  return {
    service,
    store,
    indexer,
    setServing(serving) {
      server?.setServing("", serving);
    },
    async start(signal) {
      const p = await store.progress();
      metrics.headHeight.set(Number(p.head.height));
      metrics.libHeight.set(Number(p.lib));
      sub = await deps.bus.subscribe(ACCOUNT_HISTORY_SUBJECTS, createEventHandler(indexer, log, metrics), { durable: deps.durable ?? ACCOUNT_HISTORY_DURABLE, deliverFrom: "new", maxAckPending: 1 });
      try {
        const outcome = await indexer.catchUp();
        log.info({ outcome }, "caught up with the chain head");
      } catch (err) {
        // Keep serving what we have; the next block event or this retry fills the gap.
        log.warn({ err: String(err) }, "catch-up at start failed: retrying in the background");
        const abort = signal ? AbortSignal.any([signal, stopping.signal]) : stopping.signal;
        retrying = retryWithBackoff(() => indexer.catchUp(), { what: "catch-up with the chain head", signal: abort, logger: log }).catch(() => undefined);
      }
      const served = await serveGrpc(opts, [bindService(account_history.AccountHistoryServiceDefinition, service)], { logger: log, metrics: deps.metrics, descriptorSet: descriptorSetBytes() }, "account history listening");
      server = served.server;
      // The head check, one at a time (0 turns it off): fills what the bus stopped delivering.
      checking = repeatEvery(opts.resyncMs, () => indexer.headCheck(), { signal: stopping.signal, onError: (err) => log.debug({ err: String(err) }, "head check skipped") });
      return { port: served.port };
    },
    async stop() {
      stopping.abort(new Error("stopping"));
      await sub?.close();
      await retrying;
      await checking;
      await server?.stop();
    },
  };
}
