/**
 * `createMempoolUnit`: the mempool service assembled from its dependencies — store, controller,
 * bus subscription, gRPC server, expiry sweep — with explicit `start`/`stop`. Used by the
 * standalone binary (main.ts) and by the one-process dev node; it owns none of its deps (bus,
 * database and clients are opened and closed by the caller).
 */
import { type Logger, type MetricsRegistry, repeatEvery, toHex } from "@cairn/core";
import type { EventBus, Subscription } from "@cairn/bus";
import { type StoreSource, storeFrom } from "@cairn/db";
import { descriptorSetBytes, mempool as mempoolPb } from "@cairn/proto";
import { type GrpcServer, bindService, serveGrpc } from "@cairn/rpc";
import type { MempoolChecks } from "./client.ts";
import { MEMPOOL_DURABLE, MEMPOOL_IN_FLIGHT, MEMPOOL_SUBJECTS, createEventHandler, mempoolAcceptPublisher, transactionFailPublisher } from "./events.ts";
import { Mempool } from "./mempool.ts";
import { createMempoolMetrics } from "./metrics.ts";
import type { MempoolOptions } from "./options.ts";
import type { MempoolBlocks, MempoolChain } from "./ports.ts";
import { type MempoolServiceImpl, createMempoolService } from "./service.ts";
import { DrizzleMempoolStore } from "./store/drizzle-store.ts";
import type { MempoolStore } from "./store/store.ts";
import type { ServiceUnit } from "@cairn/runtime";

/**
 * What the unit uses; all opened (and later closed) by the caller. Storage: `db`, the mempool's
 * database, migrated (`MIGRATIONS_FOLDER`, schema `SCHEMA_NAME`), on which the unit builds its
 * Drizzle store; or `store`, a store built by the caller (the dev node's in-memory one).
 */
export type MempoolUnitDeps = StoreSource<MempoolStore> & {
  logger: Logger;
  /** Registry for the mempool's and its gRPC server's metrics. */
  metrics: MetricsRegistry;
  /** Started bus; the unit subscribes on start and unsubscribes on stop. */
  bus: EventBus;
  chain: MempoolChain;
  blocks: MempoolBlocks;
  /** Clock in ms for expiry (tests). Default `Date.now`. */
  now?: () => number;
};

/** A mempool service instance. */
export interface MempoolUnit extends ServiceUnit {
  /** Reports the whole server SERVING or NOT_SERVING on grpc.health.v1 (e.g. database unreachable). */
  setServing(serving: boolean): void;
  /**
   * Loads the pending set, catches up with the chain head (retrying while chain or block store
   * are unreachable), subscribes to the bus, starts the gRPC server and the expiry sweep.
   * Resolves with the bound gRPC port, or undefined when `grpcPort` is null.
   */
  start(): Promise<{ port: number | undefined }>;
  /** Stops the sweep, the subscription and the server, then commits what is buffered. Idempotent. */
  stop(): Promise<void>;
  /** The MempoolService implementation (for an in-process client). */
  mempool: MempoolServiceImpl;
  /** What the chain calls in-process at submission. */
  checks: MempoolChecks;
  /** The durable record. */
  store: MempoolStore;
  /** The controller (diagnostics, tests). */
  controller: Mempool;
}

/** How often the expiry sweep runs: a tenth of the expiration, within 10 ms … 5 s. */
export function sweepIntervalMs(expirationMs: number): number {
  return Math.min(Math.max(Math.floor(expirationMs / 10), 10), 5_000);
}

/** Assembles a mempool unit. No side effects until `start()`. */
export function createMempoolUnit(options: MempoolOptions, deps: MempoolUnitDeps): MempoolUnit {
  const log = deps.logger.child({ module: "mempool" });
  const store = storeFrom<MempoolStore>(deps, (db) => new DrizzleMempoolStore(db.db));
  const controller = new Mempool(
    {
      expirationMs: options.expirationMs,
      maxPendingTransactions: options.limits.maxPendingTransactions,
      maxPendingPerAccount: options.limits.maxPendingPerAccount,
      irreversibleThreshold: options.irreversibleThreshold,
      flushDelayMs: 5,
    },
    { store, chain: deps.chain, blocks: deps.blocks, logger: log, metrics: createMempoolMetrics(deps.metrics), onAccepted: mempoolAcceptPublisher(deps.bus, log), onFailed: transactionFailPublisher(deps.bus, log), now: deps.now },
  );
  const service = createMempoolService(controller);
  const abort = new AbortController();
  let subscription: Subscription | undefined;
  let server: GrpcServer | undefined;
  let sweeper: ReturnType<typeof setInterval> | undefined;
  let resyncing: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;

  return {
    setServing(serving: boolean) {
      server?.setServing("", serving);
    },
    mempool: service,
    store,
    controller,
    checks: {
      forSubmission: async (query) => controller.queries.forSubmission(query),
      delivery: async (ids) => {
        // One synchronous read of the pool and the failure log: a consistent answer.
        const held = new Set(controller.queries.byIds(ids).map((e) => e.idHex));
        const failed = new Set(controller.failures.lookup(ids.filter((id) => !held.has(toHex(id)))).map((f) => toHex(f.id)));
        return { held, failed };
      },
    },
    async start() {
      await controller.load();
      // Catch-up takes the controller's lock first; events delivered meanwhile wait behind it.
      const caughtUp = controller.catchUp(abort.signal);
      subscription = await deps.bus.subscribe(MEMPOOL_SUBJECTS, createEventHandler(controller, log), { durable: MEMPOOL_DURABLE, maxAckPending: MEMPOOL_IN_FLIGHT, concurrency: MEMPOOL_IN_FLIGHT });
      await caughtUp;
      const served = await serveGrpc(options, [bindService(mempoolPb.MempoolServiceDefinition, service)], { logger: log, metrics: deps.metrics, descriptorSet: descriptorSetBytes() }, "mempool listening");
      server = served.server;
      const port = served.port;
      sweeper = setInterval(() => {
        controller.sweepExpired().catch((err) => log.error({ err: String(err) }, "expiry sweep failed"));
      }, sweepIntervalMs(options.expirationMs));
      sweeper.unref?.();
      // One resync at a time, the next armed after the last (0 turns it off).
      resyncing = repeatEvery(options.resyncMs, () => controller.resync(), { signal: abort.signal, onError: (err) => log.debug({ err: String(err) }, "resync with the chain head skipped") });
      log.info({ port, pending: controller.pool.size, head: Number(controller.lastApplied?.height ?? 0n) }, "mempool started");
      return { port };
    },
    stop() {
      stopping ??= (async () => {
        abort.abort(new Error("mempool stopping"));
        if (sweeper) clearInterval(sweeper);
        await resyncing;
        await subscription?.close();
        await server?.stop();
        await controller.close();
        log.info({ pending: controller.pool.size }, "mempool stopped");
      })();
      return stopping;
    },
  };
}
