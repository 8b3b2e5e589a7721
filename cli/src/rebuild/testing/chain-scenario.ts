/**
 * Test-only: a real chain (the `@cairn/chain/testing` harness) with KOIN transfers, a side fork
 * and a fork switch, whose every block is written to a live block store the way the node does it
 * (the chain's `AddBlock` sink, then the `koinos.block.accept` consumer of a block store node on
 * the given bus), with the chain's messages published on that bus in the chain's order.
 *
 * ```
 * 1 ─ … ─ 5 ─ 6 ─ 7 ─ 8                    first main chain (6 holds transaction X)
 *           └─ 6′─ 7′─ 8′─ 9′─ 10─ 11      fork (6′ holds X too): head from 9′ on
 * ```
 */
import { prom, silentLogger } from "@cairn/core";
import { type EventBus, type OutgoingMessage, createMemoryEventBus } from "@cairn/bus";
import { blockAppliedMessages } from "@cairn/chain";
import type { protocol } from "@cairn/proto";
import { decodeNonce } from "@cairn/protocol";
import { type BlockStore, type BlockStoreUnit, createBlockStoreUnit } from "@cairn/block-store";
import { type TestChain, createTestChain } from "@cairn/chain/testing";
import type { DatabaseHandle } from "@cairn/db";

/** One recorded block event of the harness. */
export type RecordedBlock = Extract<TestChain["events"][number], { kind: "block" }>;

/** The chain's messages for one applied block: irreversible (when the LIB moved), accept, forks, event parcels. */
export function chainMessages(e: RecordedBlock): OutgoingMessage[] {
  return blockAppliedMessages({ ...e, live: true });
}

/** The harness's recorded blocks, in the order it applied them. */
export function recordedBlocks(t: Pick<TestChain, "events">): RecordedBlock[] {
  return t.events.filter((e): e is RecordedBlock => e.kind === "block");
}

/** What the scenario built. */
export interface LiveScenario {
  t: TestChain;
  /** Every applied block (both forks), in applying order. */
  blocks: RecordedBlock[];
  /** Every transaction id included anywhere. */
  transactionIds: Uint8Array[];
  /** The live store (its node is stopped; the store stays usable on `db`). */
  store: BlockStore;
}

/** The `parent` argument of `TestChain.block` for building on a recorded block. */
function parentOf(e: RecordedBlock) {
  return { id: e.block.id, height: e.block.header!.height, timestamp: e.block.header!.timestamp, stateRoot: e.receipt.state_merkle_root };
}

/** Sum of `cairn_block_store_events_total` over its labels. */
async function eventsHandled(registry: prom.Registry): Promise<number> {
  const metric = registry.getSingleMetric("cairn_block_store_events_total");
  if (metric === undefined) return 0;
  return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
}

/** Builds the chain pictured above with a live block store on `db` fed through `bus` (started). */
export async function liveScenario(bus: EventBus, db: DatabaseHandle): Promise<LiveScenario> {
  const registry = new prom.Registry();
  const node = createBlockStoreUnit({ grpcHost: "127.0.0.1", grpcPort: null, topologyCacheSize: 1000 }, { logger: silentLogger(), metrics: registry, bus, db });
  await node.start();
  const t = await createTestChain({ chain: { irreversibleThreshold: 4 }, blockStore: { addBlock: async (b, r) => void (await node.store.storeBlock(b, r)) } });
  let published = 0;
  let accepts = 0;
  const flush = async () => {
    const fresh = recordedBlocks(t).slice(published);
    published += fresh.length;
    accepts += fresh.length;
    const messages = fresh.flatMap(chainMessages);
    if (messages.length > 0) await bus.publishMany(messages);
  };
  const nonce = (i: number) => decodeNonce(t.chain.accountNonce(t.dev.accounts[i]!.address)) + 1n;
  const transfers = (h: number) => [t.transfer(h % 4, (h + 1) % 4, BigInt(h), nonce(h % 4))];

  const produce = async (h: number) => {
    await t.produce(transfers(h));
    await flush();
  };
  for (let h = 1; h <= 5; h++) await produce(h);
  const b5 = recordedBlocks(t).at(-1)!;
  const x = t.transfer(3, 0, 66n, nonce(3));
  await t.produce([x, t.transfer(1, 2, 6n, nonce(1))]);
  await flush();
  for (let h = 7; h <= 8; h++) await produce(h);
  // The fork from block 5: 6′ holds X as well, so X has two containing blocks.
  let parent = b5;
  for (let h = 6; h <= 9; h++) {
    const block = t.block(h === 6 ? [x] : [], { parent: parentOf(parent), timestamp: parent.block.header!.timestamp + 1_500n });
    if (!(await t.chain.submitBlock(block))) throw new Error(`fork block ${h} not applied`);
    parent = recordedBlocks(t).at(-1)!;
    await flush();
  }
  for (let h = 10; h <= 11; h++) await produce(h);

  const deadline = Date.now() + 20_000;
  while ((await eventsHandled(registry)) < accepts) {
    if (Date.now() > deadline) throw new Error("live block store consumer did not catch up");
    await Bun.sleep(10);
  }
  await node.stop();
  const blocks = recordedBlocks(t);
  const seen = new Map<string, Uint8Array>();
  for (const e of blocks) for (const tx of e.block.transactions) seen.set(Buffer.from(tx.id).toString("hex"), tx.id);
  return { t, blocks, transactionIds: [...seen.values()], store: node.store };
}

/** Everything a block store answers about the scenario's blocks and transactions, for comparing two stores. */
export async function dumpStore(store: BlockStore, s: Pick<LiveScenario, "blocks" | "transactionIds">) {
  const highest = await store.getHighestBlock();
  const full = { block: true, receipt: true };
  return {
    highest,
    progress: await store.getProgress(),
    blocks: await store.getBlocksById(s.blocks.map((e) => e.block.id), full),
    headChain: highest ? await store.getAncestors(highest, 1n, highest.height, full) : [],
    transactions: await store.getTransactionsById(s.transactionIds),
  };
}

/**
 * The scenario's block store served live: a block store unit on `db` behind a real gRPC server,
 * on an idle bus of its own (it consumes nothing), as a running service would be. Each thing it
 * starts is pushed onto `cleanup`, to be undone in reverse.
 */
export async function serveBlockStore(db: DatabaseHandle, cleanup: { push(step: () => Promise<unknown>): unknown }, topologyCacheSize = 100): Promise<{ unit: BlockStoreUnit; address: string }> {
  const idle = createMemoryEventBus();
  await idle.start();
  cleanup.push(() => idle.close());
  const unit = createBlockStoreUnit({ grpcHost: "127.0.0.1", grpcPort: 0, topologyCacheSize }, { logger: silentLogger(), metrics: new prom.Registry(), bus: idle, db });
  const address = `127.0.0.1:${(await unit.start()).port}`;
  cleanup.push(() => unit.stop());
  return { unit, address };
}
