/**
 * The mempool as the chain asks it at submission (protocol §4.9 step 2), koinos-mempool's RPCs
 * on head: one port, implemented in-process by the mempool node (`MempoolUnit.checks`) and over a
 * MempoolService client by {@link mempoolChecksFromClient}. Import it as `@cairn/mempool/client`.
 */
import { toHex } from "@cairn/core";
import type { mempool } from "@cairn/proto";
import type { PromiseClient } from "@cairn/rpc";

/** What the chain asks about a transaction before accepting it (see {@link MempoolChecks.forSubmission}). */
export interface SubmissionQuery {
  payer: Uint8Array;
  /** The nonce account. */
  payee: Uint8Array;
  nonce: Uint8Array;
  /** Transactions the chain still counts as pending itself: which of them does the mempool hold? */
  ids: readonly Uint8Array[];
}

/** The mempool's answers for one submission, all read from the same pending set. */
export interface SubmissionView {
  /** get_reserved_account_rc of the payer: the rc_limits of its pending transactions. */
  reservedRc: bigint;
  /** check_account_nonce: false only when exactly this nonce is pending for the payee. */
  nonceFree: boolean;
  /** get_pending_nonce: the payee's highest pending nonce bytes; empty when none is pending. */
  pendingNonce: Uint8Array;
  /** get_pending_transaction_count of the payee. */
  pendingCount: number;
  /** Which of the ids asked are pending (hex). */
  held: Set<string>;
}

/** What the chain asks the mempool before accepting a transaction. */
export interface MempoolChecks {
  /**
   * Everything the chain asks at submission in one call (over gRPC one round trip,
   * `check_submission`, instead of one per question): the payer's reserved rc (what
   * check_pending_account_resources compares), check_account_nonce, get_pending_nonce,
   * get_pending_transaction_count, and which ids are pending.
   */
  forSubmission(query: SubmissionQuery): Promise<SubmissionView>;
  /** Which of `ids` are pending (hex), from get_pending_transactions_by_id. */
  pendingIds(ids: readonly Uint8Array[]): Promise<Set<string>>;
}

/** The MempoolService methods {@link mempoolChecksFromClient} calls. */
export type MempoolChecksClient = Pick<
  PromiseClient<typeof mempool.MempoolServiceDefinition>,
  "checkSubmission" | "getPendingTransactionsById"
>;

/** MempoolChecks over a MempoolService client. */
export function mempoolChecksFromClient(client: MempoolChecksClient): MempoolChecks {
  return {
    async forSubmission({ payer, payee, nonce, ids }) {
      const r = await client.checkSubmission({ payer, payee, nonce, transaction_ids: [...ids] });
      return { reservedRc: r.reserved_rc, nonceFree: r.nonce_free, pendingNonce: r.pending_nonce, pendingCount: Number(r.pending_count), held: new Set(r.pending_transaction_ids.map(toHex)) };
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
    forSubmission: (query) => get().forSubmission(query),
    pendingIds: (ids) => get().pendingIds(ids),
  };
}
