/** The chain's dependencies backed by gRPC (or in-process) clients of the mempool and block store. */
import { toHex } from "@cairn/core";
import type { block_store, mempool } from "@cairn/proto";
import type { PromiseClient } from "@cairn/rpc";
import type { BlockSink, MempoolChecks } from "./chain.ts";
import type { BlockStoreReads } from "./reindex.ts";

/** The mempool RPCs the chain asks at submission. */
export type MempoolCheckClient = Pick<
  PromiseClient<typeof mempool.MempoolServiceDefinition>,
  "getPendingNonce" | "checkPendingAccountResources" | "checkAccountNonce" | "getPendingTransactionCount" | "getPendingTransactionsById"
>;

export function mempoolChecksFromClient(client: MempoolCheckClient): MempoolChecks {
  return {
    async checkResources(payer, maxPayerRc, rcLimit) {
      return (await client.checkPendingAccountResources({ payer, max_payer_rc: maxPayerRc, rc_limit: rcLimit, block_id: undefined })).success;
    },
    async checkNonce(payee, nonce) {
      return (await client.checkAccountNonce({ payee, nonce, block_id: undefined })).success;
    },
    async pendingNonce(payee) {
      return (await client.getPendingNonce({ payee, block_id: undefined })).nonce;
    },
    async pendingCount(payee) {
      return Number((await client.getPendingTransactionCount({ payee, block_id: undefined })).count);
    },
    async pendingIds(ids) {
      const r = await client.getPendingTransactionsById({ transaction_ids: [...ids], block_id: undefined });
      return new Set(r.pending_transactions.map((p) => toHex(p.transaction?.id ?? new Uint8Array())));
    },
  };
}

/** Checks that resolve their target on each call (the one-process node builds the mempool after the chain). */
export function deferredMempoolChecks(get: () => MempoolChecks): MempoolChecks {
  return {
    checkResources: (payer, max, rc) => get().checkResources(payer, max, rc),
    checkNonce: (payee, nonce) => get().checkNonce(payee, nonce),
    pendingNonce: (payee) => get().pendingNonce(payee),
    pendingCount: (payee) => get().pendingCount(payee),
    pendingIds: (ids) => get().pendingIds(ids),
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
