/**
 * Read latency of `MemoryBlockStore` as it grows: the same reads at 1,000 blocks and at N
 * (default 100,000; `bun services/block-store/src/store/memory-store.bench.ts 1000000`), reported
 * as µs/op and the ratio of the two (architecture §9: within 2×). Blocks carry one unsigned transaction
 * each so building them does not dominate; ids are real.
 */
import { utf8 } from "@cairn/core";
import { protocol } from "@cairn/proto";
import { ZERO_ID, blockId, sha256Multihash } from "@cairn/protocol";
import { makeTransaction } from "../testing/fixtures.ts";
import { MemoryBlockStore } from "./memory-store.ts";
import type { Topology } from "./store.ts";

const LARGE = Number(process.argv[2] ?? 100_000);
const tx = makeTransaction("bench", 1n, false);

async function build(count: number): Promise<{ store: MemoryBlockStore; head: Topology; ids: Uint8Array[]; txIds: Uint8Array[] }> {
  const store = new MemoryBlockStore();
  const ids: Uint8Array[] = [];
  const txIds: Uint8Array[] = [];
  let previous = ZERO_ID;
  let head: Topology | undefined;
  for (let h = 1n; h <= BigInt(count); h++) {
    const t = { ...tx, id: sha256Multihash(utf8(`tx ${h}`)) };
    const header = protocol.BlockHeader.fromPartial({ previous, height: h, timestamp: 1_700_000_000_000n + h * 3000n, previous_state_merkle_root: ZERO_ID });
    const block = protocol.Block.fromPartial({ id: blockId(header), header, transactions: [t] });
    await store.storeBlock(block, protocol.BlockReceipt.fromPartial({ id: block.id, height: h }));
    head = { id: block.id, height: h, previous };
    previous = block.id;
    if (h % BigInt(Math.max(1, Math.floor(count / 1000))) === 0n) {
      ids.push(block.id);
      txIds.push(t.id);
    }
  }
  return { store, head: head!, ids, txIds };
}

async function time(runs: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await fn(i);
  const t = performance.now();
  for (let i = 0; i < runs; i++) await fn(i);
  return ((performance.now() - t) * 1000) / runs;
}

const bare = { block: false, receipt: false };
const full = { block: true, receipt: true };
const reads: [string, (s: Awaited<ReturnType<typeof build>>) => (i: number) => Promise<unknown>][] = [
  ["1 block at head-2 (koilib)", (s) => () => s.store.getAncestors(s.head, s.head.height - 2n, s.head.height - 2n, bare)],
  ["1 block at head-2 with block and receipt", (s) => () => s.store.getAncestors(s.head, s.head.height - 2n, s.head.height - 2n, full)],
  ["100 blocks from height 1", (s) => () => s.store.getAncestors(s.head, 1n, 100n, bare)],
  ["1 block at height 500 with block", (s) => () => s.store.getAncestors(s.head, 500n, 500n, full)],
  ["getBlocksById (one id)", (s) => (i) => s.store.getBlocksById([s.ids[i % s.ids.length]!], full)],
  ["getTransactionsById (one id)", (s) => (i) => s.store.getTransactionsById([s.txIds[i % s.txIds.length]!])],
  ["getHighestBlock", (s) => () => s.store.getHighestBlock()],
];

const small = await build(1_000);
let t = performance.now();
const large = await build(LARGE);
console.log(`stored ${LARGE} blocks in ${((performance.now() - t) / 1000).toFixed(1)} s; RSS ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
console.log(`${"read".padEnd(44)} ${"1,000".padStart(10)} ${LARGE.toLocaleString("en").padStart(10)}  ratio`);
for (const [name, make] of reads) {
  const a = await time(2_000, make(small));
  const b = await time(2_000, make(large));
  console.log(`${name.padEnd(44)} ${a.toFixed(1).padStart(8)}µs ${b.toFixed(1).padStart(8)}µs  ${(b / a).toFixed(2)}`);
}
t = performance.now();
const copy = MemoryBlockStore.fromDump(large.store.dump());
console.log(`fromDump(dump()) of ${copy.size} blocks: ${((performance.now() - t) / 1000).toFixed(2)} s`);
