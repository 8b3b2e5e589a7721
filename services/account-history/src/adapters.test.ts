/** The gRPC adapters: BlockSource over a BlockStoreService client, ChainReads over a ChainService client. */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { block_store, chain as chainPb, protocol } from "@cairn/proto";
import { ZERO_ID } from "@cairn/protocol";
import { createInProcessClient } from "@cairn/rpc";
import { createChainService } from "@cairn/chain";
import { blockSourceFromClient } from "./block-source.ts";
import { chainReadsFromClient } from "./chain-reads.ts";
import { createSourcedChain, memoryBlockStoreService } from "./testing/index.ts";

describe("blockSourceFromClient", () => {
  test("blocks with receipts, ids only, and the highest block, relative to a head", async () => {
    const { t, source } = await createSourcedChain();
    const empty = blockSourceFromClient(createInProcessClient(block_store.BlockStoreServiceDefinition, memoryBlockStoreService(source)));
    expect(await empty.highest()).toBeUndefined();
    for (let i = 1n; i <= 5n; i++) await t.produce([t.transfer(0, 1, i, i)]);
    const blocks = blockSourceFromClient(createInProcessClient(block_store.BlockStoreServiceDefinition, memoryBlockStoreService(source)));
    const head = t.chain.head;
    const got = await blocks.blocksByHeight(head.id, 2n, 3);
    expect(got.map((b) => b.block.header!.height)).toEqual([2n, 3n, 4n]);
    expect(got[0]!.receipt.transaction_receipts).toHaveLength(1);
    expect((await blocks.idsByHeight(head.id, 4n, 10)).map((b) => [b.height, toHex(b.id)])).toEqual([
      [4n, toHex(got[2]!.block.id)],
      [5n, toHex(head.id)],
    ]);
    expect(await blocks.highest()).toEqual({ id: head.id, height: 5n });
  });

  test("an item without its block or receipt is an error", async () => {
    const broken = blockSourceFromClient({
      getBlocksByHeight: async () => ({ block_items: [block_store.BlockItem.fromPartial({ block_id: ZERO_ID, block_height: 1n, block: protocol.Block.fromPartial({}) })] }),
      getHighestBlock: async () => ({ topology: undefined }),
    });
    await expect(broken.blocksByHeight(ZERO_ID, 1n, 1)).rejects.toMatchObject({ code: "account_history.bad_block_source" });
  });
});

describe("chainReadsFromClient", () => {
  test("head and LIB, the zero id before block 1", async () => {
    const { t } = await createSourcedChain({ chain: { irreversibleThreshold: 2 } });
    const reads = chainReadsFromClient(createInProcessClient(chainPb.ChainServiceDefinition, createChainService(t.chain)));
    expect(await reads.headInfo()).toEqual({ head: { id: ZERO_ID, height: 0n }, lib: 0n });
    for (let i = 0; i < 4; i++) await t.produce();
    expect(await reads.headInfo()).toEqual({ head: { id: t.chain.head.id, height: 4n }, lib: 2n });
  });
});
