/** The client-side port: BlockSource and BlockSink over a BlockStoreService gRPC client. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { block_store, encodeMessage, protocol, rememberedEncoding } from "@cairn/proto";
import { createGrpcClient } from "@cairn/rpc";
import { ZERO_ID } from "@cairn/protocol";
import { type BlockStoreClient, blockStoreFromClient, MAX_REQUEST_ITEMS, rememberingBlockStoreDefinition } from "./client.ts";
import { makeChain, makeReceipt } from "./testing/fixtures.ts";
import { waitUntil } from "@cairn/test-utils";
import { startTestUnit, type TestUnit } from "./testing/harness.ts";

let t: TestUnit;
const chain = makeChain(undefined, 5);
const idsOf = (blocks: protocol.Block[]) => blocks.map((b) => toHex(b.id));

beforeAll(async () => {
  t = await startTestUnit();
}, 120_000);
afterAll(async () => {
  await t.dispose();
});

describe("blockStoreFromClient", () => {
  test("adds blocks, then reads blocks, blocks with receipts, ids and the highest block relative to a head", async () => {
    const store = blockStoreFromClient(t.blocks);
    expect(await store.highest()).toBeUndefined();
    for (const b of chain) await store.addBlock(b, makeReceipt(b));
    const head = chain[4]!;
    expect(idsOf(await store.blocksByHeight(head.id, 2n, 3))).toEqual(idsOf(chain.slice(1, 4)));
    const withReceipts = await store.blocksWithReceiptsByHeight(chain[3]!.id, 3n, 10);
    expect(idsOf(withReceipts.map((b) => b.block))).toEqual(idsOf(chain.slice(2, 4)));
    expect(toHex(withReceipts[0]!.receipt.id)).toBe(toHex(chain[2]!.id));
    expect((await store.idsByHeight(head.id, 4n, 10)).map((b) => [b.height, toHex(b.id)])).toEqual([
      [4n, toHex(chain[3]!.id)],
      [5n, toHex(head.id)],
    ]);
    // Added blocks count as the chain's once its koinos.block.accept says it committed them.
    expect(await store.highest()).toBeUndefined();
    await t.publishAccepted(head);
    await waitUntil(async () => (await store.highest()) !== undefined, 20_000);
    expect(await store.highest()).toEqual({ id: head.id, height: 5n });
  });

  test("caps a request at MAX_REQUEST_ITEMS and refuses an item without what it asked for", async () => {
    const requests: block_store.GetBlocksByHeightRequest[] = [];
    const item = block_store.BlockItem.fromPartial({ block_id: ZERO_ID, block_height: 1n, block: protocol.Block.fromPartial({}) });
    const client: BlockStoreClient = {
      getBlocksByHeight: async (req) => {
        requests.push(req);
        return { block_items: [req.return_block ? item : { ...item, block: undefined }] };
      },
      getHighestBlock: async () => ({ topology: undefined }),
      addBlock: async () => ({}),
    };
    const store = blockStoreFromClient(client);
    expect(await store.blocksByHeight(ZERO_ID, 1n, 5_000)).toHaveLength(1);
    expect(requests[0]).toMatchObject({ num_blocks: MAX_REQUEST_ITEMS, return_block: true, return_receipt: false });
    await expect(store.blocksWithReceiptsByHeight(ZERO_ID, 1n, 1)).rejects.toMatchObject({ code: "block_store.bad_response" });
    expect(requests[1]).toMatchObject({ return_block: true, return_receipt: true });
    await store.idsByHeight(ZERO_ID, 1n, 1);
    expect(requests[2]).toMatchObject({ return_block: false, return_receipt: false });
  });

  test("over rememberingBlockStoreDefinition, each block and receipt read remembers its encoding: the bytes encode gives; the answers are the same", async () => {
    const remembering = createGrpcClient(rememberingBlockStoreDefinition, `127.0.0.1:${t.port}`);
    try {
      const head = chain[4]!;
      const plain = await blockStoreFromClient(t.blocks).blocksWithReceiptsByHeight(head.id, 1n, 5);
      const read = await blockStoreFromClient(remembering).blocksWithReceiptsByHeight(head.id, 1n, 5);
      expect(read).toEqual(plain);
      expect(read).toHaveLength(5);
      for (const { block, receipt } of read) {
        expect(rememberedEncoding(block)).toEqual(encodeMessage(protocol.Block, block));
        expect(rememberedEncoding(receipt)).toEqual(encodeMessage(protocol.BlockReceipt, receipt));
      }
      for (const { block, receipt } of plain) expect([rememberedEncoding(block), rememberedEncoding(receipt)]).toEqual([undefined, undefined]);
      // Blocks only: nothing to remember of the absent receipts; by id as by height.
      const [byId] = (await remembering.getBlocksById({ block_ids: [head.id], return_block: true, return_receipt: false })).block_items;
      expect(byId!.receipt).toBeUndefined();
      expect(rememberedEncoding(byId!.block!)).toEqual(encodeMessage(protocol.Block, byId!.block!));
    } finally {
      remembering.close();
    }
  });
});
