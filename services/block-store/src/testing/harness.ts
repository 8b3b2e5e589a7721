/**
 * A block store node for tests: PGlite in memory (or `url`), an in-process bus, a real gRPC server
 * on an ephemeral port, and network clients of both services.
 */
import { prom, silentLogger, type Logger } from "@cairn/core";
import { createMemoryBroker, createMemoryEventBus, type EventBus, type MemoryBroker } from "@cairn/bus";
import { openTestDatabase, type TestDatabase } from "@cairn/db/testing";
import { block_store, broadcast, type protocol, transaction_store } from "@cairn/proto";
import { createGrpcClient, type ServiceClient } from "@cairn/rpc";
import { createBlockStoreUnit, type BlockStoreUnit } from "../unit.ts";
import { MIGRATIONS_FOLDER } from "../store/migrations.ts";
import { makeReceipt } from "./fixtures.ts";

/** Everything a service test touches. */
export interface TestUnit {
  unit: BlockStoreUnit;
  /** Bound gRPC port (undefined when started without a server). */
  port: number | undefined;
  bus: EventBus;
  broker: MemoryBroker;
  db: TestDatabase;
  metrics: prom.Registry;
  blocks: ServiceClient<typeof block_store.BlockStoreServiceDefinition>;
  transactions: ServiceClient<typeof transaction_store.TransactionStoreServiceDefinition>;
  /** Publishes `koinos.block.accept` for `block` (receipt from `makeReceipt`). */
  publishAccepted(block: protocol.Block, head?: boolean): Promise<void>;
  /** Stops node, clients and bus; `keepData` leaves the database open (for a restart on it). */
  dispose(keepData?: boolean): Promise<void>;
}

/** Options of `startTestUnit`. */
export interface TestUnitOptions {
  /** Reuse a database (a restart); default a fresh PGlite in memory. */
  db?: TestDatabase;
  /** Share a broker (a restart keeps the durable consumer); default a fresh one. */
  broker?: MemoryBroker;
  /** Default 0 (ephemeral); null: no server. */
  grpcPort?: number | null;
  /** Default silent. */
  logger?: Logger;
}

/** Starts a node and its clients. */
export async function startTestUnit(options: TestUnitOptions = {}): Promise<TestUnit> {
  const db = options.db ?? (await openTestDatabase("pglite://memory", { migrationsFolder: MIGRATIONS_FOLDER }));
  const broker = options.broker ?? createMemoryBroker();
  const bus = createMemoryEventBus({ broker });
  await bus.start();
  const metrics = new prom.Registry();
  const unit = createBlockStoreUnit({ grpcHost: "127.0.0.1", grpcPort: options.grpcPort === undefined ? 0 : options.grpcPort, topologyCacheSize: 1_000 }, { logger: options.logger ?? silentLogger(), metrics, bus, db });
  const { port } = await unit.start();
  const address = `127.0.0.1:${port ?? 1}`;
  const blocks = createGrpcClient(block_store.BlockStoreServiceDefinition, address);
  const transactions = createGrpcClient(transaction_store.TransactionStoreServiceDefinition, address);
  return {
    unit,
    port,
    bus,
    broker,
    db,
    metrics,
    blocks,
    transactions,
    async publishAccepted(block, head = true) {
      await bus.publish("koinos.block.accept", broadcast.BlockAccepted.encode({ block, receipt: makeReceipt(block), live: true, head }).finish());
    },
    async dispose(keepData = false) {
      blocks.close();
      transactions.close();
      await unit.stop();
      await bus.close();
      if (!keepData) await db.dispose();
    },
  };
}

/** The value of a counter (or gauge) with exactly `labels`, 0 when absent. */
export async function metricValue(registry: prom.Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return 0;
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want));
  return match?.value ?? 0;
}
