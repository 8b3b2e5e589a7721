/** A full mempool node for service tests: in-process bus, PGlite, FakeChain, real gRPC server. */
import { prom, silentLogger } from "@cairn/core";
import { type EventBus, Subjects, createMemoryEventBus } from "@cairn/bus";
import type { DatabaseHandle } from "@cairn/db";
import { broadcast, type protocol } from "@cairn/proto";
import { type MempoolUnit, createMempoolUnit } from "../unit.ts";
import { type MempoolOptions, defaultMempoolOptions } from "../options.ts";
import { FakeChain, type UseOptions, accepted } from "./fixtures.ts";

/** A started node and the means to feed it. */
export interface TestUnit {
  unit: MempoolUnit;
  bus: EventBus;
  chain: FakeChain;
  port: number | undefined;
  /** `koinos.mempool.accept` payloads seen on the bus. */
  published: broadcast.MempoolAccepted[];
  publishTx(tx: protocol.Transaction, o?: UseOptions): Promise<unknown>;
  publishBlock(block: protocol.Block, head?: boolean): Promise<unknown>;
  publishFail(id: Uint8Array, reason?: string): Promise<unknown>;
}

/** Options of {@link startTestUnit}. */
export interface TestUnitOptions {
  db: DatabaseHandle;
  bus?: EventBus;
  chain?: FakeChain;
  options?: Partial<MempoolOptions>;
  now?: () => number;
}

/** Starts a node on `db` (migrated), a started memory bus (made when not given) and a FakeChain. */
export async function startTestUnit(o: TestUnitOptions): Promise<TestUnit> {
  const bus = o.bus ?? createMemoryEventBus({ redeliveryDelayMs: 5 });
  await bus.start();
  const chain = o.chain ?? new FakeChain();
  const published: broadcast.MempoolAccepted[] = [];
  await bus.subscribe(Subjects.mempoolAccept, (m) => void published.push(broadcast.MempoolAccepted.decode(m.data)));
  const unit = createMempoolUnit(
    { ...defaultMempoolOptions, grpcHost: "127.0.0.1", grpcPort: 0, ...o.options },
    { logger: silentLogger(), metrics: new prom.Registry(), bus, db: o.db, chain, blocks: chain, now: o.now },
  );
  const { port } = await unit.start();
  return {
    unit,
    bus,
    chain,
    port,
    published,
    publishTx: (tx, u) => bus.publish(Subjects.transactionAccept, broadcast.TransactionAccepted.encode(accepted(tx, u)).finish()),
    publishBlock: (block, head = true) => bus.publish(Subjects.blockAccept, broadcast.BlockAccepted.encode(FakeChain.accepted(block, head)).finish()),
    publishFail: (id, reason = "") => bus.publish(Subjects.transactionFail, broadcast.TransactionFailed.encode({ id, reason }).finish()),
  };
}
