/**
 * The spliced answers (`splice.ts`) are byte for byte what encoding the decoded messages gives,
 * for every combination of return_block / return_receipt, blocks stored without a receipt and
 * unknown ids, from both stores; and in-process callers still get the decoded messages.
 */
import { describe, expect, test } from "bun:test";
import { silentLogger } from "@cairn/core";
import { openDatabase } from "@cairn/db";
import { block_store } from "@cairn/proto";
import { createBlockStoreMetrics } from "./metrics.ts";
import { createBlockStoreService } from "./service.ts";
import { STORED_BYTES, type SplicedItem, splicingBlockStoreDefinition } from "./splice.ts";
import { DrizzleBlockStore } from "./store/drizzle-store.ts";
import { MemoryBlockStore } from "./store/memory-store.ts";
import { MIGRATIONS_FOLDER } from "./store/migrations.ts";
import type { BlockStore } from "./store/store.ts";
import { makeChain, makeReceipt, makeTransaction } from "./testing/fixtures.ts";
import { createBlockWriter } from "./writer.ts";

const chain = makeChain(undefined, 6, 0n, (i) => [makeTransaction(`splice ${i}`, 1n), makeTransaction(`splice ${i}`, 2n)]);
const head = chain.at(-1)!;
const spliced = splicingBlockStoreDefinition.methods;
const ctx = {} as never;

async function filled(store: BlockStore): Promise<BlockStore> {
  // Block 4 without a receipt.
  for (const b of chain) await store.storeBlock(b, b === chain[3] ? undefined : makeReceipt(b));
  return store;
}

const stores: [string, () => Promise<BlockStore>][] = [
  ["memory", () => filled(new MemoryBlockStore())],
  [
    "drizzle (PGlite)",
    async () => {
      const db = await openDatabase("pglite://memory", { logger: silentLogger(), migrationsFolder: MIGRATIONS_FOLDER });
      return filled(new DrizzleBlockStore(db.db));
    },
  ],
];

for (const [name, open] of stores) {
  describe(`spliced block store answers (${name})`, () => {
    test("are the bytes the decoded messages encode to", async () => {
      const store = await open();
      const metrics = createBlockStoreMetrics();
      const service = createBlockStoreService({ store, metrics, writer: createBlockWriter({ store, metrics, logger: silentLogger() }) });
      for (const return_block of [false, true]) {
        for (const return_receipt of [false, true]) {
          const byHeight = await service.getBlocksByHeight({ head_block_id: head.id, ancestor_start_height: 1n, num_blocks: 10, return_block, return_receipt }, ctx);
          // Spliced, not encoded: the items carry the stored bytes.
          expect(byHeight.block_items.map((i) => (i as SplicedItem)[STORED_BYTES] !== undefined)).toEqual(chain.map((b) => return_block || (return_receipt && b !== chain[3])));
          const bytes = spliced.getBlocksByHeight.responseType.encode(byHeight).finish();
          expect(bytes).toEqual(block_store.GetBlocksByHeightResponse.encode(byHeight).finish());
          const decoded = block_store.GetBlocksByHeightResponse.decode(bytes).block_items;
          expect(decoded.map((i) => i.block)).toEqual(chain.map((b) => (return_block ? b : undefined)));
          expect(decoded.map((i) => i.receipt)).toEqual(chain.map((b) => (return_receipt && b !== chain[3] ? makeReceipt(b) : undefined)));

          const byId = await service.getBlocksById({ block_ids: [chain[2]!.id, new Uint8Array(34).fill(9), chain[3]!.id], return_block, return_receipt }, ctx);
          const idBytes = spliced.getBlocksById.responseType.encode(byId).finish();
          expect(idBytes).toEqual(block_store.GetBlocksByIdResponse.encode(byId).finish());
          expect(block_store.GetBlocksByIdResponse.decode(idBytes).block_items.map((i) => i.block_height)).toEqual([3n, 0n, 4n]);
        }
      }
    }, 120_000);

    test("in-process copies carry the decoded block and receipt", async () => {
      const store = await open();
      const metrics = createBlockStoreMetrics();
      const service = createBlockStoreService({ store, metrics, writer: createBlockWriter({ store, metrics, logger: silentLogger() }) });
      const answer = await service.getBlocksByHeight({ head_block_id: head.id, ancestor_start_height: 2n, num_blocks: 1, return_block: true, return_receipt: true }, ctx);
      const copy = block_store.GetBlocksByHeightResponse.fromPartial(answer);
      expect(copy.block_items[0]!.block).toEqual(chain[1]!);
      expect(copy.block_items[0]!.receipt).toEqual(makeReceipt(chain[1]!));
    }, 120_000);
  });
}
