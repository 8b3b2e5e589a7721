/**
 * The chain as other services read it: one port over a ChainService client (gRPC or in-process).
 * Consumers name only what they call with `Pick<ChainReads, …>`. Import it as
 * `@cairn/chain/client`: it loads nothing of the chain itself.
 */
import type { chain } from "@cairn/proto";
import { type BlockRef, ZERO_ID, decodeNonce } from "@cairn/protocol";
import type { PromiseClient } from "@cairn/rpc";

/** The chain head and the last irreversible height. */
export interface HeadInfo {
  /** The head block; zero id and height 0 before block 1. */
  head: BlockRef;
  lib: bigint;
}

/** What other services ask the chain. */
export interface ChainReads {
  /** The chain head and LIB (`chain.get_head_info`). */
  headInfo(): Promise<HeadInfo>;
  /** The account's confirmed nonce at the head (`chain.get_account_nonce`), 0 when it never transacted. */
  accountNonce(account: Uint8Array): Promise<bigint>;
}

/** The ChainService methods {@link chainReadsFromClient} calls. */
export type ChainReadsClient = Pick<PromiseClient<typeof chain.ChainServiceDefinition>, "getHeadInfo" | "getAccountNonce">;

/** ChainReads over a ChainService client. */
export function chainReadsFromClient(client: ChainReadsClient): ChainReads {
  return {
    async headInfo() {
      const info = await client.getHeadInfo({});
      const t = info.head_topology;
      const head = t && t.id.length > 0 ? { id: t.id, height: t.height } : { id: ZERO_ID, height: 0n };
      return { head, lib: info.last_irreversible_block };
    },
    async accountNonce(account) {
      return decodeNonce((await client.getAccountNonce({ account })).nonce);
    },
  };
}
