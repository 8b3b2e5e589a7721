/**
 * What account history uses of other services, narrowed from their client-side ports: the block
 * store (`@cairn/block-store/client`) and the chain (`@cairn/chain/client`).
 */
import type { BlockSource } from "@cairn/block-store/client";
import type { ChainReads } from "@cairn/chain/client";

/** The block store as account history reads it: blocks with receipts, ids, the highest block. */
export type HistoryBlocks = Pick<BlockSource, "blocksWithReceiptsByHeight" | "idsByHeight" | "highest">;

/** The chain as account history asks it: the head and the LIB (the catch-up target). */
export type HistoryChain = Pick<ChainReads, "headInfo">;
