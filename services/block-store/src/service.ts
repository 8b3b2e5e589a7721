/**
 * The gRPC faces of the store: `cairn.block_store.v1.BlockStoreService` and
 * `cairn.transaction_store.v1.TransactionStoreService`, with the semantics, limits and error
 * messages of Koinos's block_store and transaction_store (protocol §3.2, §3.5). Thin: requests are
 * checked here, data comes from the `BlockStore`.
 */
import { block_store, transaction_store } from "@cairn/proto";
import type { ServiceImplementation } from "@cairn/rpc";
import { blockNotPresent, heightMismatch, invalidBlock, invalidStartHeight, MAX_REQUEST_ITEMS, missingField, requestTooLarge, transactionRequestTooLarge } from "./errors.ts";
import type { BlockStoreMetrics } from "./metrics.ts";
import { STORED_BYTES, type SplicedItem } from "./splice.ts";
import { lazy, toBlockTopology } from "./store/codec.ts";
import type { BlockRecord, BlockStore, ReadOptions } from "./store/store.ts";
import { verifyBlockToAdd } from "./verify.ts";
import type { BlockWriter } from "./writer.ts";

/** The BlockStoreService implementation (serve it, or wrap it in an in-process client). */
export type BlockStoreServiceImpl = ServiceImplementation<typeof block_store.BlockStoreServiceDefinition>;
/** The TransactionStoreService implementation. */
export type TransactionStoreServiceImpl = ServiceImplementation<typeof transaction_store.TransactionStoreServiceDefinition>;

/** What the services use. */
export interface BlockStoreServiceDeps {
  store: BlockStore;
  /** The shared storing path (`AddBlock` goes through it). */
  writer: BlockWriter;
  metrics: BlockStoreMetrics;
}

/** Times `fn` into `cairn_block_store_request_duration_seconds{method}`. */
async function timed<T>(metrics: BlockStoreMetrics, method: string, fn: () => Promise<T>): Promise<T> {
  const stop = metrics.requestDuration.startTimer({ method });
  try {
    return await fn();
  } finally {
    stop();
  }
}

/**
 * A block item: always id and height; block and receipt only when asked for, read from the record
 * on access (the record decodes them then) and their stored bytes kept for `splice.ts`.
 */
function toItem(record: BlockRecord, options: ReadOptions): SplicedItem {
  const item: SplicedItem = { block_id: record.id, block_height: record.height, block: undefined, receipt: undefined };
  if (options.block) lazy(item, "block", () => record.block);
  if (options.receipt) lazy(item, "receipt", () => record.receipt);
  if (record.encoded !== undefined) item[STORED_BYTES] = record.encoded;
  return item;
}

/** `BlockStoreService`: GetBlocksById, GetBlocksByHeight, AddBlock, GetHighestBlock. */
export function createBlockStoreService({ store, writer, metrics }: BlockStoreServiceDeps): BlockStoreServiceImpl {
  return {
    getBlocksById: (req) =>
      timed(metrics, "get_blocks_by_id", async () => {
        if (req.block_ids.length > MAX_REQUEST_ITEMS) throw requestTooLarge();
        if (req.block_ids.length === 0) throw missingField("block_store_no_ids");
        const options: ReadOptions = { block: req.return_block, receipt: req.return_receipt };
        const records = await store.getBlocksById(req.block_ids, options);
        return { block_items: records.map((r) => (r === undefined ? block_store.BlockItem.create() : toItem(r, options))) };
      }),

    getBlocksByHeight: (req) =>
      timed(metrics, "get_blocks_by_height", async () => {
        if (req.num_blocks > MAX_REQUEST_ITEMS) throw requestTooLarge();
        if (req.num_blocks === 0) return { block_items: [] };
        if (req.ancestor_start_height === 0n) throw invalidStartHeight();
        if (req.head_block_id.length === 0) throw missingField("block_store_no_head");
        const head = await store.getTopology(req.head_block_id);
        if (head === undefined) throw blockNotPresent(req.head_block_id);
        const start = req.ancestor_start_height;
        if (start > head.height) throw heightMismatch();
        const wanted = start + BigInt(req.num_blocks) - 1n;
        const end = wanted < head.height ? wanted : head.height;
        const options: ReadOptions = { block: req.return_block, receipt: req.return_receipt };
        const records = await store.getAncestors(head, start, end, options);
        return { block_items: records.map((r) => toItem(r, options)) };
      }),

    addBlock: (req) =>
      timed(metrics, "add_block", async () => {
        if (req.block_to_add === undefined) throw invalidBlock("block_to_add");
        await verifyBlockToAdd(req.block_to_add, store);
        await writer(req.block_to_add, req.receipt_to_add, "add_block");
        return {};
      }),

    getHighestBlock: () =>
      timed(metrics, "get_highest_block", async () => {
        const highest = await store.getHighestBlock();
        return { topology: highest === undefined ? undefined : toBlockTopology(highest) };
      }),
  };
}

/** `TransactionStoreService`: GetTransactionsById. */
export function createTransactionStoreService({ store, metrics }: Pick<BlockStoreServiceDeps, "store" | "metrics">): TransactionStoreServiceImpl {
  return {
    getTransactionsById: (req) =>
      timed(metrics, "get_transactions_by_id", async () => {
        if (req.transaction_ids.length === 0) throw missingField("transaction_store_no_ids");
        if (req.transaction_ids.length > MAX_REQUEST_ITEMS) throw transactionRequestTooLarge();
        const records = await store.getTransactionsById(req.transaction_ids);
        return { transactions: records.map((r) => ({ transaction: r.transaction, containing_blocks: r.containingBlocks })) };
      }),
  };
}
