/**
 * Rebuild: dropping the read model and rebuilding it from the block store gives exactly the rows
 * built live (with fork switches along the way), in place and into a fresh database over a
 * BlockStoreService gRPC client (what `cairn rebuild account-history` does, several requests per
 * transaction).
 */
import { describe, expect, test } from "bun:test";
import { cleanupAfterAll } from "@cairn/test-utils";
import { blockStoreFromClient, rememberingBlockStoreDefinition } from "@cairn/block-store/client";
import { silentLogger } from "@cairn/core";
import { createMemoryEventBus } from "@cairn/bus";
import { openTestDatabase } from "@cairn/db/testing";
import { block_store, descriptorSetBytes, rememberedEncoding } from "@cairn/proto";
import { decodeNonce } from "@cairn/protocol";
import { createGrpcClient, createGrpcServer } from "@cairn/rpc";
import { formatProgress, type ReplayProgress } from "@cairn/core";
import { rebuildAccountHistory } from "./rebuild-history.ts";
import { DrizzleAccountHistoryStore } from "./store/drizzle-store.ts";
import { MIGRATIONS_FOLDER } from "./store/migrations.ts";
import { EventFeed, type SourcedChain, createSourcedChain, dumpReadModel, memoryBlockStoreService, parentOf, startTestUnit } from "./testing/index.ts";

const cleanup = cleanupAfterAll();

/** 30 blocks of transfers; at 19–20 a two-block branch loses to a three-block fork from block 18. */
async function busyChain(c: SourcedChain, afterEachBlock: () => Promise<unknown> = async () => undefined): Promise<SourcedChain> {
  const { t } = c;
  const submit = async (b: Parameters<typeof t.chain.submitBlock>[0]) => {
    const r = (await t.chain.submitBlock(b))!;
    await afterEachBlock();
    return r;
  };
  const send = (from: number, to: number, v: bigint) => t.transfer(from, to, v, decodeNonce(t.chain.accountNonce(t.dev.accounts[from]!.address)) + 1n);
  for (let i = 1; i <= 20; i++) await submit(t.block([send(i % 4, (i + 1) % 4, BigInt(i))]));
  const [b18] = await c.source.blocksWithReceiptsByHeight(t.chain.head.id, 18n, 1);
  const nonce1 = decodeNonce(t.chain.accountNonce(t.dev.accounts[1]!.address)); // blocks 19 and 20 send from accounts 3 and 0
  const f19 = t.block([t.transfer(1, 0, 9n, nonce1 + 1n)], { parent: parentOf(b18!.block, b18!.receipt), timestamp: b18!.block.header!.timestamp + 700n });
  const r19 = await submit(f19);
  const f20 = t.block([], { parent: parentOf(f19, r19) });
  const r20 = await submit(f20);
  await submit(t.block([], { parent: parentOf(f20, r20) }));
  expect(t.chain.head.height).toBe(21n);
  for (let i = 22; i <= 30; i++) await submit(t.block([send(i % 4, (i + 3) % 4, BigInt(i)), send((i + 1) % 4, i % 4, 1n)]));
  return c;
}

describe("rebuildAccountHistory", () => {
  test("the rebuilt read model equals the one built live, row for row; progress is reported", async () => {
    const c = await createSourcedChain({ chain: { irreversibleThreshold: 5 } });
    const db = await openTestDatabase("pglite://memory", { migrationsFolder: MIGRATIONS_FOLDER });
    cleanup.push(() => db.dispose());
    const bus = createMemoryEventBus();
    await bus.start();
    cleanup.push(() => bus.close());
    const h = await startTestUnit({ db: db, bus, blocks: c.source, chain: c.reads });
    // Live: each block's events are published as the chain applies it.
    const feed = new EventFeed(c.t, bus);
    await busyChain(c, () => feed.flush());
    await h.waitForHead(c.t.chain.head, 25n);
    await h.stop();
    expect(await h.metric("cairn_account_history_fork_switches_total")).toBe(1);
    const live = await dumpReadModel(db.db);
    expect(live.blocks).toHaveLength(30);

    const reports: ReplayProgress[] = [];
    const result = await rebuildAccountHistory(h.unit.store, c.source, { batchSize: 7, progressIntervalMs: 0, onProgress: (p) => reports.push(p) });
    expect(result).toMatchObject({ blocks: 30, head: { height: 30n } });
    expect(result.entries).toBe(live.entries.length);
    expect(await dumpReadModel(db.db)).toEqual(live);
    expect(reports.map((r) => r.done)).toEqual([7, 14, 21, 28, 30]);
    expect(reports.every((r) => r.total === 30)).toBe(true);
    expect(reports.at(-1)!.secondsLeft).toBe(0);
    expect(formatProgress(reports.at(-1)!)).toMatch(/^30\/30 blocks \(100\.0%\) · [\d,]+ blocks\/s · 0s left$/);
  });

  test("a fresh database rebuilt over a BlockStoreService gRPC client equals the live one", async () => {
    const c = await busyChain(await createSourcedChain({ chain: { irreversibleThreshold: 5 } }));
    const server = createGrpcServer({ host: "127.0.0.1", port: 0, descriptorSet: descriptorSetBytes() }, { logger: silentLogger() });
    server.addService(block_store.BlockStoreServiceDefinition, memoryBlockStoreService(c.source));
    const port = await server.start();
    cleanup.push(() => server.stop({ graceMs: 100 }));
    // As the command: the blocks and receipts read remember their bytes, and the records are cut from them.
    const client = createGrpcClient(rememberingBlockStoreDefinition, `127.0.0.1:${port}`);
    cleanup.push(async () => client.close());
    const rebuilt = await openTestDatabase("pglite://memory", { migrationsFolder: MIGRATIONS_FOLDER });
    cleanup.push(() => rebuilt.dispose());
    const source = blockStoreFromClient(client);
    let read = 0;
    let remembered = 0;
    const counted: typeof source = {
      ...source,
      async blocksWithReceiptsByHeight(headId, start, count) {
        const blocks = await source.blocksWithReceiptsByHeight(headId, start, count);
        read += blocks.length;
        remembered += blocks.filter((b) => rememberedEncoding(b.block) !== undefined && rememberedEncoding(b.receipt) !== undefined).length;
        return blocks;
      },
    };
    // Requests of 4 blocks gathered into transactions of 12 (the last one 6), as the command does at scale.
    const reports: number[] = [];
    const result = await rebuildAccountHistory(new DrizzleAccountHistoryStore(rebuilt.db), counted, {
      batchSize: 4,
      transactionBlocks: 10,
      progressIntervalMs: 0,
      onProgress: (p) => reports.push(p.done),
    });
    expect(reports).toEqual([12, 24, 30]);
    expect(result).toMatchObject({ blocks: 30, head: { height: 30n } });
    expect([read, remembered]).toEqual([30, 30]);

    // The same rows as a live build (whose LIB the fresh database does not have).
    const live = await openTestDatabase("pglite://memory", { migrationsFolder: MIGRATIONS_FOLDER });
    cleanup.push(() => live.dispose());
    const bus = createMemoryEventBus();
    await bus.start();
    cleanup.push(() => bus.close());
    const h = await startTestUnit({ db: live, bus, blocks: c.source, chain: c.reads });
    cleanup.push(() => h.stop());
    await new EventFeed(c.t, bus).flush();
    await h.waitForHead(c.t.chain.head);
    const a = await dumpReadModel(rebuilt.db);
    const b = await dumpReadModel(live.db);
    expect({ ...a, progress: a.progress.map((p) => ({ ...p, libHeight: "-" })) }).toEqual({ ...b, progress: b.progress.map((p) => ({ ...p, libHeight: "-" })) });
  });
});
