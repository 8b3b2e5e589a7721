/**
 * What the mempool uses of other services, narrowed from their client-side ports: the block store
 * (`@cairn/block-store/client`) and the chain (`@cairn/chain/client`).
 */
import type { BlockSource } from "@cairn/block-store/client";
import type { ChainReads } from "@cairn/chain/client";

/** The block store as the mempool reads it: blocks (no receipts) of a branch by height. */
export type MempoolBlocks = Pick<BlockSource, "blocksByHeight">;

/** The chain as the mempool asks it: the head (catch-up) and confirmed nonces (fork re-validation). */
export type MempoolChain = Pick<ChainReads, "headInfo" | "accountNonce">;
