/**
 * The block store as other services use it: one port over a BlockStoreService client (gRPC or
 * in-process). Consumers name only what they call with `Pick<BlockSource, …>`, so tests can plug
 * in a few methods. Import it as `@cairn/block-store/client`: it loads nothing of the service.
 */
import { CairnError, ErrorStatus } from "@cairn/core";
import { block_store, eachLengthDelimited, type protocol, rememberFieldEncodings } from "@cairn/proto";
import type { BlockRef } from "@cairn/protocol";
import type { PromiseClient } from "@cairn/rpc";
import { BlockStoreErrorCode, MAX_REQUEST_ITEMS } from "./errors.ts";

export { MAX_REQUEST_ITEMS };

/** A block with its receipt. */
export interface BlockWithReceipt {
  block: protocol.Block;
  receipt: protocol.BlockReceipt;
}

/**
 * Blocks of a branch by height (fork-aware: always relative to a given head block). Every range
 * is the ancestors of `headId` (itself included) at heights `startHeight … startHeight + count − 1`,
 * ascending, clipped at the head's height (`get_blocks_by_height`); `count` is capped at
 * {@link MAX_REQUEST_ITEMS}.
 */
export interface BlockSource {
  /** The blocks of the range, without receipts. */
  blocksByHeight(headId: Uint8Array, startHeight: bigint, count: number): Promise<protocol.Block[]>;
  /** The blocks of the range with their receipts. */
  blocksWithReceiptsByHeight(headId: Uint8Array, startHeight: bigint, count: number): Promise<BlockWithReceipt[]>;
  /** The ids of the range only (cheap: for finding a fork point). */
  idsByHeight(headId: Uint8Array, startHeight: bigint, count: number): Promise<BlockRef[]>;
  /** The highest block the store holds, or undefined when it holds none. */
  highest(): Promise<BlockRef | undefined>;
}

/** Where the chain puts every block it applies (`add_block`). */
export interface BlockSink {
  addBlock(block: protocol.Block, receipt: protocol.BlockReceipt): Promise<void>;
}

/** The BlockStoreService methods {@link blockStoreFromClient} calls. */
export type BlockStoreClient = Pick<PromiseClient<typeof block_store.BlockStoreServiceDefinition>, "getBlocksByHeight" | "getHighestBlock" | "addBlock">;

function badResponse(message: string, height: bigint): CairnError {
  return new CairnError(BlockStoreErrorCode.BadResponse, message, { status: ErrorStatus.Unavailable, data: { height: String(height) } });
}

/** BlockSource and BlockSink over a BlockStoreService client. */
export function blockStoreFromClient(client: BlockStoreClient): BlockSource & BlockSink {
  const items = async (headId: Uint8Array, startHeight: bigint, count: number, block: boolean, receipt: boolean) =>
    (
      await client.getBlocksByHeight({
        head_block_id: headId,
        ancestor_start_height: startHeight,
        num_blocks: Math.min(count, MAX_REQUEST_ITEMS),
        return_block: block,
        return_receipt: receipt,
      })
    ).block_items;
  return {
    async blocksByHeight(headId, startHeight, count) {
      return (await items(headId, startHeight, count, true, false)).map((item) => {
        if (!item.block) throw badResponse("block store returned an item without its block", item.block_height);
        return item.block;
      });
    },
    async blocksWithReceiptsByHeight(headId, startHeight, count) {
      return (await items(headId, startHeight, count, true, true)).map((item) => {
        if (!item.block || !item.receipt) throw badResponse("block store returned an item without its block or receipt", item.block_height);
        return { block: item.block, receipt: item.receipt };
      });
    },
    async idsByHeight(headId, startHeight, count) {
      return (await items(headId, startHeight, count, false, false)).map((item) => ({ id: item.block_id, height: item.block_height }));
    },
    async highest() {
      const t = (await client.getHighestBlock({})).topology;
      return t && t.id.length > 0 && t.height > 0n ? { id: t.id, height: t.height } : undefined;
    },
    async addBlock(block, receipt) {
      await client.addBlock({ block_to_add: block, receipt_to_add: receipt });
    },
  };
}

/**
 * `GetBlocksByHeightResponse` / `GetBlocksByIdResponse` decoding that also remembers, for each
 * item's block and receipt, the bytes they were decoded from (@cairn/proto `rememberFieldEncodings`):
 * the block store writes the very bytes it stored, which its own `encode` gave (splice.ts), so
 * whoever encodes a block or receipt read here again — account history cutting its records from
 * them (`blockHistory`) — takes those bytes instead.
 */
function remembering<F extends { decode(input: Uint8Array, length?: number): { block_items: block_store.BlockItem[] } }>(fns: F): F {
  return {
    ...fns,
    decode: (input: Uint8Array, length?: number) => {
      const message = fns.decode(input, length);
      // A reader (a nested decode) has no bytes of its own to remember.
      if (!(input instanceof Uint8Array)) return message;
      const bytes = length === undefined ? input : input.subarray(0, length);
      let i = 0;
      // Response field 1: the items, in order; BlockItem fields 3 (block) and 4 (receipt).
      eachLengthDelimited(bytes, 0, bytes.length, (number, start, end) => {
        if (number !== 1) return;
        const item = message.block_items[i++];
        if (item !== undefined) rememberFieldEncodings(bytes.subarray(start, end), [[3, item.block], [4, item.receipt]]);
      });
      return message;
    },
  };
}

/**
 * `BlockStoreServiceDefinition` whose block-reading answers remember their blocks' and receipts'
 * encodings (`remembering`): what a client that encodes what it reads (the account history
 * rebuild) connects with. Same requests, same decoded answers.
 */
export const rememberingBlockStoreDefinition: typeof block_store.BlockStoreServiceDefinition = (() => {
  const d = block_store.BlockStoreServiceDefinition;
  return {
    ...d,
    methods: {
      ...d.methods,
      getBlocksById: { ...d.methods.getBlocksById, responseType: remembering(d.methods.getBlocksById.responseType) },
      getBlocksByHeight: { ...d.methods.getBlocksByHeight, responseType: remembering(d.methods.getBlocksByHeight.responseType) },
    },
  };
})();
