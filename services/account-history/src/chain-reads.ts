/** What account history asks the chain: where the head and the LIB are (catch-up target). */
import type { chain } from "@cairn/proto";
import { ZERO_ID } from "@cairn/protocol";
import type { PromiseClient } from "@cairn/rpc";
import type { BlockRef } from "./block-source.ts";

/** The chain's head and last irreversible height. */
export interface HeadInfo {
  head: BlockRef;
  lib: bigint;
}

/** The chain as account history asks it. */
export interface ChainReads {
  /** The chain head (`chain.get_head_info`); zero id and height 0 before block 1. */
  headInfo(): Promise<HeadInfo>;
}

/** The ChainService method `chainReadsFromClient` calls. */
export type ChainReadsClient = Pick<PromiseClient<typeof chain.ChainServiceDefinition>, "getHeadInfo">;

/** ChainReads over a ChainService client (gRPC or in-process). */
export function chainReadsFromClient(client: ChainReadsClient): ChainReads {
  return {
    async headInfo() {
      const info = await client.getHeadInfo({});
      const t = info.head_topology;
      const head = t && t.id.length > 0 ? { id: t.id, height: t.height } : { id: ZERO_ID, height: 0n };
      return { head, lib: info.last_irreversible_block };
    },
  };
}
