/** A real account history node on an ephemeral port, with a gRPC client, for service tests. */
import { type MetricsRegistry, bytesEqual, createMetricsRegistry, silentLogger } from "@cairn/core";
import type { EventBus } from "@cairn/bus";
import type { DatabaseHandle } from "@cairn/db";
import { account_history } from "@cairn/proto";
import { type ServiceClient, createGrpcClient } from "@cairn/rpc";
import type { BlockRef } from "@cairn/protocol";
import type { HistoryBlocks, HistoryChain } from "../ports.ts";
import { type AccountHistoryUnit, createAccountHistoryUnit } from "../unit.ts";
import { accountHistoryOptionsSchema } from "../options.ts";
import { waitUntil } from "@cairn/test-utils";

/** What `startTestUnit` needs. */
export interface TestUnitDeps {
  db: DatabaseHandle;
  bus: EventBus;
  blocks: HistoryBlocks;
  chain: HistoryChain;
  durable?: string;
  batchSize?: number;
  /** Head check interval, ms. Default 0 (off), so tests see only what events and start-up do. */
  resyncMs?: number;
}

/** A started node and a client of its gRPC server. */
export interface TestUnit {
  unit: AccountHistoryUnit;
  client: ServiceClient<typeof account_history.AccountHistoryServiceDefinition>;
  metrics: MetricsRegistry;
  /** Current value of a metric (summed over label sets matching `labels`). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Resolves once the applied head is `head` (and the LIB at least `lib`). */
  waitForHead(head: BlockRef, lib?: bigint): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a node on 127.0.0.1 with an ephemeral port. */
export async function startTestUnit(deps: TestUnitDeps): Promise<TestUnit> {
  const options = accountHistoryOptionsSchema.parse({ grpcHost: "127.0.0.1", grpcPort: 0, metricsPort: 0, batchSize: deps.batchSize ?? 100, resyncMs: deps.resyncMs ?? 0 });
  const metrics = createMetricsRegistry("account-history", false);
  const { resyncMs: _, batchSize: __, ...unitDeps } = deps;
  const unit = createAccountHistoryUnit(options, { logger: silentLogger(), metrics, ...unitDeps });
  const { port } = await unit.start();
  const client = createGrpcClient(account_history.AccountHistoryServiceDefinition, `127.0.0.1:${port}`);
  return {
    unit,
    client,
    metrics,
    async metric(name, labels = {}) {
      const m = metrics.getSingleMetric(name);
      if (!m) throw new Error(`no metric ${name}`);
      const { values } = await m.get();
      return values.filter((v) => Object.entries(labels).every(([k, x]) => String((v.labels as Record<string, unknown>)[k]) === x)).reduce((s, v) => s + v.value, 0);
    },
    async waitForHead(head, lib = 0n) {
      let last = "";
      await waitUntil(async () => {
        const p = await unit.store.progress();
        last = `at ${p.head.height} (lib ${p.lib})`;
        return p.head.height === head.height && bytesEqual(p.head.id, head.id) && p.lib >= lib;
      }, 10_000, () => `account history head ${head.height} (lib ≥ ${lib}); ${last}`);
    },
    async stop() {
      client.close();
      await unit.stop();
    },
  };
}
