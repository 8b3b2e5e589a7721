/**
 * Rough benchmark of storing blocks and of ancestor walks (`get_blocks_by_height`'s work):
 * `bun services/block-store/src/store/by-height.bench.ts [blocks]` (default 10,000). Runs on PGlite
 * in memory and, when reachable, on Postgres (DATABASE_URL or the local default). Blocks are built
 * unsigned (ids are real) so that building them does not dominate.
 */
import { utf8 } from "@cairn/core";
import { openTestDatabase, testDatabaseUrls } from "@cairn/db/testing";
import { protocol } from "@cairn/proto";
import { ZERO_ID, blockId, sha256Multihash } from "@cairn/protocol";
import { MIGRATIONS_FOLDER } from "./migrations.ts";
import { makeTransaction } from "../testing/fixtures.ts";
import { DrizzleBlockStore } from "./drizzle-store.ts";
import type { Topology } from "./store.ts";

const COUNT = Number(process.argv[2] ?? 10_000);
const TXS_PER_BLOCK = 2;

function unsignedBlock(previous: Uint8Array, height: bigint, salt: number, transactions: protocol.Transaction[]): protocol.Block {
  const header = protocol.BlockHeader.fromPartial({ previous, height, timestamp: 1_700_000_000_000n + height * 3000n + BigInt(salt), previous_state_merkle_root: sha256Multihash(utf8(`${salt}`)) });
  return protocol.Block.fromPartial({ id: blockId(header), header, transactions });
}

function chain(count: number): { blocks: protocol.Block[]; head: Topology } {
  const blocks: protocol.Block[] = [];
  let previous = ZERO_ID;
  for (let h = 1n; h <= BigInt(count); h++) {
    const txs = Array.from({ length: TXS_PER_BLOCK }, (_, i) => makeTransaction("bench", h * 10n + BigInt(i), false));
    const b = unsignedBlock(previous, h, 0, txs);
    blocks.push(b);
    previous = b.id;
    if (h % 100n === 50n) blocks.push(unsignedBlock(blocks[blocks.length - 2]!.id, h, 1, [])); // a sibling every 100 blocks
  }
  const last = blocks.filter((b) => b.header!.height === BigInt(count))[0]!;
  return { blocks, head: { id: last.id, height: BigInt(count), previous: last.header!.previous } };
}

async function time(label: string, runs: number, fn: () => Promise<unknown>): Promise<void> {
  await fn();
  const started = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  const ms = (performance.now() - started) / runs;
  console.log(`  ${label.padEnd(58)} ${ms.toFixed(3).padStart(9)} ms/op`);
}

const { blocks, head } = chain(COUNT);
const bare = { block: false, receipt: false };
for (const target of await testDatabaseUrls()) {
  const db = await openTestDatabase(target.url, { migrationsFolder: MIGRATIONS_FOLDER, waitTimeoutMs: 3_000 });
  try {
    console.log(`${target.name}: ${blocks.length} blocks (${TXS_PER_BLOCK} tx each on the main chain)`);
    const warm = new DrizzleBlockStore(db.db);
    const started = performance.now();
    for (const b of blocks) await warm.storeBlock(b);
    const seconds = (performance.now() - started) / 1000;
    console.log(`  ${"storeBlock".padEnd(58)} ${(blocks.length / seconds).toFixed(0).padStart(9)} blocks/s`);
    const cold = new DrizzleBlockStore(db.db, { topologyCacheSize: 0 });
    const h = head.height;
    for (const [name, store] of [["warm cache", warm], ["no cache", cold]] as const) {
      await time(`${name}: 1 block at head-2 (koilib)`, 200, () => store.getAncestors(head, h - 2n, h - 2n, bare));
      await time(`${name}: 1 block at head-2 with block`, 200, () => store.getAncestors(head, h - 2n, h - 2n, { block: true, receipt: false }));
      await time(`${name}: 100 blocks below head`, 20, () => store.getAncestors(head, h - 99n, h, bare));
      await time(`${name}: 1000 blocks below head with blocks`, 5, () => store.getAncestors(head, h - 999n, h, { block: true, receipt: false }));
      await time(`${name}: 500 blocks from height 1 (reindex batch)`, 5, () => store.getAncestors(head, 1n, 500n, bare));
      await time(`${name}: 1 block at height 1`, 20, () => store.getAncestors(head, 1n, 1n, bare));
    }
    const reindexStarted = performance.now();
    for (let s = 1n; s <= h; s += 500n) await cold.getAncestors(head, s, s + 499n > h ? h : s + 499n, { block: true, receipt: false });
    console.log(`  ${"no cache: whole chain in 500-block batches, with blocks".padEnd(58)} ${((performance.now() - reindexStarted) / 1000).toFixed(2).padStart(9)} s`);
  } finally {
    await db.dispose();
  }
}
