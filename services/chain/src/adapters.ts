/** The chain's dependencies backed by gRPC (or in-process) clients of the mempool and block store. */
import type { block_store, mempool } from "@cairn/proto";
import type { PromiseClient } from "@cairn/rpc";
import type { BlockSink, MempoolChecks } from "./chain.ts";
import type { BlockStoreReads } from "./reindex.ts";

export function mempoolChecksFromClient(client: Pick<PromiseClient<typeof mempool.MempoolServiceDefinition>, "getPendingNonce" | "checkPendingAccountResources">): MempoolChecks {
  return {
    async pendingNonce(payee) {
      return (await client.getPendingNonce({ payee, block_id: undefined })).nonce;
    },
    async checkResources(payer, maxPayerRc, rc) {
      return (await client.checkPendingAccountResources({ payer, max_payer_rc: maxPayerRc, rc_limit: rc, block_id: undefined })).success;
    },
  };
}

export function blockStoreFromClient(client: Pick<PromiseClient<typeof block_store.BlockStoreServiceDefinition>, "addBlock" | "getHighestBlock" | "getBlocksByHeight">): BlockSink & BlockStoreReads {
  return {
    async addBlock(block, receipt) {
      await client.addBlock({ block_to_add: block, receipt_to_add: receipt });
    },
    getHighestBlock: (req, o) => client.getHighestBlock(req, o),
    getBlocksByHeight: (req, o) => client.getBlocksByHeight(req, o),
  };
}
