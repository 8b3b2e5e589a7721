/** chainReadsFromClient, blockSourceFromClient and the options schema. */
import { describe, expect, test } from "bun:test";
import { block_store, chain } from "@cairn/proto";
import { ZERO_ID, encodeNonce } from "@cairn/protocol";
import { blockSourceFromClient } from "./block-source.ts";
import { chainReadsFromClient } from "./chain-reads.ts";
import { sweepIntervalMs } from "./node.ts";
import { defaultMempoolOptions, mempoolOptionsSchema } from "./options.ts";
import { FakeChain } from "./testing/fixtures.ts";

describe("adapters", () => {
  test("chainReadsFromClient decodes the nonce and maps the head (zero id before block 1)", async () => {
    let head: chain.GetHeadInfoResponse = chain.GetHeadInfoResponse.fromPartial({});
    const reads = chainReadsFromClient({
      getAccountNonce: async (req) => ({ nonce: req.account.length === 25 ? encodeNonce(7n) : new Uint8Array([0x28, 0]) }),
      getHeadInfo: async () => head,
    });
    expect(await reads.accountNonce(new Uint8Array(25))).toBe(7n);
    expect(await reads.head()).toEqual({ id: ZERO_ID, height: 0n });
    head = chain.GetHeadInfoResponse.fromPartial({ head_topology: { id: new Uint8Array([1, 2]), height: 9n } });
    expect(await reads.head()).toEqual({ id: new Uint8Array([1, 2]), height: 9n });
  });

  test("blockSourceFromClient asks for blocks without receipts and refuses items without a block", async () => {
    const fake = new FakeChain();
    const b1 = fake.extend([]);
    const b2 = fake.extend([]);
    const requests: block_store.GetBlocksByHeightRequest[] = [];
    let dropBlock = false;
    const source = blockSourceFromClient({
      async getBlocksByHeight(req) {
        requests.push(req);
        const blocks = await fake.blocksByHeight(req.head_block_id, req.ancestor_start_height, req.num_blocks);
        return { block_items: blocks.map((b) => block_store.BlockItem.fromPartial({ block_id: b.id, block_height: b.header!.height, block: dropBlock ? undefined : b })) };
      },
    });
    expect((await source.blocksByHeight(b2.id, 1n, 5)).map((b) => b.id)).toEqual([b1.id, b2.id]);
    expect(requests[0]).toMatchObject({ ancestor_start_height: 1n, num_blocks: 5, return_block: true, return_receipt: false });
    dropBlock = true;
    await expect(source.blocksByHeight(b2.id, 1n, 1)).rejects.toThrow("block store returned an item without its block");
  });
});

describe("options", () => {
  test("defaults, nested limits, a null port", () => {
    expect(defaultMempoolOptions).toMatchObject({
      grpcHost: "0.0.0.0",
      grpcPort: 50053,
      databaseUrl: "pglite://./data/mempool",
      chainAddress: "127.0.0.1:50051",
      blockStoreAddress: "127.0.0.1:50052",
      expirationMs: 120_000,
      limits: { maxPendingTransactions: 10_000, maxPendingPerAccount: 1_000 },
      irreversibleThreshold: 60,
      logLevel: "info",
    });
    expect(defaultMempoolOptions.natsUrl).toBeUndefined();
    const o = mempoolOptionsSchema.parse({ grpcPort: null, limits: { maxPendingPerAccount: 3 } });
    expect(o.grpcPort).toBeNull();
    expect(o.limits).toEqual({ maxPendingTransactions: 10_000, maxPendingPerAccount: 3 });
    expect(mempoolOptionsSchema.safeParse({ expirationMs: 0 }).success).toBe(false);
  });

  test("the sweep runs every tenth of the expiration, within 10 ms … 5 s", () => {
    expect(sweepIntervalMs(120_000)).toBe(5_000);
    expect(sweepIntervalMs(20_000)).toBe(2_000);
    expect(sweepIntervalMs(50)).toBe(10);
  });
});
