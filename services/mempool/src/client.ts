/**
 * The mempool as the chain asks it at submission (protocol §4.9 step 2), koinos-mempool's RPCs
 * on head: one port, implemented in-process by the mempool node (`MempoolUnit.checks`) and over a
 * MempoolService client by {@link mempoolChecksFromClient}. Import it as `@cairn/mempool/client`.
 */
import { toHex } from "@cairn/core";
import type { mempool } from "@cairn/proto";
import type { PromiseClient } from "@cairn/rpc";

/** What the chain asks the mempool before accepting a transaction. */
export interface MempoolChecks {
  /** check_pending_account_resources: can the payer cover `rcLimit` on top of the rc_limits its pending transactions reserve? */
  checkResources(payer: Uint8Array, maxPayerRc: bigint, rcLimit: bigint): Promise<boolean>;
  /** check_account_nonce: false only when exactly this nonce is pending for the payee. */
  checkNonce(payee: Uint8Array, nonce: Uint8Array): Promise<boolean>;
  /** get_pending_nonce: the payee's highest pending nonce bytes; empty when none is pending. */
  pendingNonce(payee: Uint8Array): Promise<Uint8Array>;
  /** get_pending_transaction_count: how many of the payee's transactions are pending. */
  pendingCount(payee: Uint8Array): Promise<number>;
  /** Which of `ids` are pending (hex), from get_pending_transactions_by_id. */
  pendingIds(ids: readonly Uint8Array[]): Promise<Set<string>>;
}

/** The MempoolService methods {@link mempoolChecksFromClient} calls. */
export type MempoolChecksClient = Pick<
  PromiseClient<typeof mempool.MempoolServiceDefinition>,
  "getPendingNonce" | "checkPendingAccountResources" | "checkAccountNonce" | "getPendingTransactionCount" | "getPendingTransactionsById"
>;

/** MempoolChecks over a MempoolService client. */
export function mempoolChecksFromClient(client: MempoolChecksClient): MempoolChecks {
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
    checkResources: (payer, max, rcLimit) => get().checkResources(payer, max, rcLimit),
    checkNonce: (payee, nonce) => get().checkNonce(payee, nonce),
    pendingNonce: (payee) => get().pendingNonce(payee),
    pendingCount: (payee) => get().pendingCount(payee),
    pendingIds: (ids) => get().pendingIds(ids),
  };
}
