/** What the mempool reads from the chain: confirmed nonces (fork re-validation) and the head (catch-up). */
import type { chain } from "@cairn/proto";
import { ZERO_ID, decodeNonce } from "@cairn/protocol";
import type { PromiseClient } from "@cairn/rpc";
import type { BlockPointer } from "./store/store.ts";

/** The chain as the mempool asks it. */
export interface ChainReads {
  /** The account's confirmed nonce at the chain head (`chain.get_account_nonce`), 0 when it never transacted. */
  accountNonce(account: Uint8Array): Promise<bigint>;
  /** The chain head (`chain.get_head_info`); zero id and height 0 before block 1. */
  head(): Promise<BlockPointer>;
}

/** The ChainService methods `chainReadsFromClient` calls. */
export type ChainReadsClient = Pick<PromiseClient<typeof chain.ChainServiceDefinition>, "getAccountNonce" | "getHeadInfo">;

/** ChainReads over a ChainService client (gRPC or in-process). */
export function chainReadsFromClient(client: ChainReadsClient): ChainReads {
  return {
    async accountNonce(account) {
      const { nonce } = await client.getAccountNonce({ account });
      return decodeNonce(nonce);
    },
    async head() {
      const { head_topology: t } = await client.getHeadInfo({});
      return t && t.id.length > 0 ? { id: t.id, height: t.height } : { id: ZERO_ID, height: 0n };
    },
  };
}
