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
  /**
   * How many more transactions the pending set takes (its capacity less what it holds), when the
   * mempool reports it: the chain refuses a submission once the transactions it accepted that the
   * mempool has not yet taken would fill them (a mempool that does not report it: undefined).
   */
  freeSlots?: number;
}

/**
 * What became of some transactions the chain accepted, as the mempool knows it (hex ids): `held`,
 * pending; `failed`, ended without a block (refused, expired, dropped behind a failed one, or
 * reported failed on `koinos.transaction.fail`: the mempool's failure log, the last 100,000
 * failures). An id in neither the mempool has not seen yet (its accept is on its way, or the bus
 * lost it) — or forgot its failure.
 */
export interface DeliveryView {
  held: Set<string>;
  failed: Set<string>;
}

/** What the chain asks the mempool before accepting a transaction. */
export interface MempoolChecks {
  /**
   * Everything the chain asks at submission in one call (over gRPC, `check_submissions`: one
   * round trip for the submissions asked within the same turn of the event loop, instead of one
   * per question and transaction): the payer's reserved rc (what check_pending_account_resources
   * compares), check_account_nonce, get_pending_nonce, get_pending_transaction_count, which
   * ids are pending, and how many more transactions the pending set takes.
   */
  forSubmission(query: SubmissionQuery): Promise<SubmissionView>;
  /**
   * Which of `ids` are pending and which failed (the chain's delivery audit): over gRPC,
   * get_pending_transactions_by_id, then get_failed_transactions for the ids not pending — in that
   * order, so a transaction that fails between the two reads is seen failed, never in neither. At
   * most 2,000 ids (the mempool's per-request limit).
   */
  delivery(ids: readonly Uint8Array[]): Promise<DeliveryView>;
}

/** The MempoolService methods {@link mempoolChecksFromClient} calls. */
export type MempoolChecksClient = Pick<
  PromiseClient<typeof mempool.MempoolServiceDefinition>,
  "checkSubmissions" | "getPendingTransactionsById" | "getFailedTransactions"
>;

/** Most submission checks sent in one `check_submissions` (the mempool's per-request limit). */
const MAX_CHECKS_PER_CALL = 2000;

/**
 * MempoolChecks over a MempoolService client. The submission checks asked within one turn of the
 * event loop (the chain handles many submissions at once) go in one `check_submissions` call,
 * sent once that turn ends; each caller gets its own answer, or the call's error.
 */
export function mempoolChecksFromClient(client: MempoolChecksClient): MempoolChecks {
  let queued: { check: mempool.SubmissionCheck; resolve(v: SubmissionView): void; reject(e: unknown): void }[] = [];
  const send = () => {
    const batch = queued;
    queued = [];
    client
      .checkSubmissions({ checks: batch.map((q) => q.check) })
      .then(({ answers }) => {
        if (answers.length !== batch.length) throw new Error(`check_submissions answered ${answers.length} of ${batch.length} checks`);
        batch.forEach((q, i) => q.resolve(viewOf(answers[i]!)));
      })
      .catch((err: unknown) => batch.forEach((q) => q.reject(err)));
  };
  return {
    forSubmission({ payer, payee, nonce, ids }) {
      return new Promise((resolve, reject) => {
        queued.push({ check: { payer, payee, nonce, transaction_ids: [...ids] }, resolve, reject });
        if (queued.length === 1) setImmediate(() => queued.length > 0 && send());
        else if (queued.length >= MAX_CHECKS_PER_CALL) send();
      });
    },
    async delivery(ids) {
      const r = await client.getPendingTransactionsById({ transaction_ids: [...ids], block_id: undefined });
      const held = new Set(r.pending_transactions.map((p) => toHex(p.transaction?.id ?? new Uint8Array())));
      const rest = ids.filter((id) => !held.has(toHex(id)));
      if (rest.length === 0) return { held, failed: new Set() };
      const f = await client.getFailedTransactions({ transaction_ids: rest });
      return { held, failed: new Set(f.failed_transactions.map((t) => toHex(t.id))) };
    },
  };
}

function viewOf(a: mempool.SubmissionAnswer): SubmissionView {
  return {
    reservedRc: a.reserved_rc,
    nonceFree: a.nonce_free,
    pendingNonce: a.pending_nonce,
    pendingCount: Number(a.pending_count),
    held: new Set(a.pending_transaction_ids.map(toHex)),
    freeSlots: a.free_slots === undefined ? undefined : Number(a.free_slots),
  };
}

/** Checks that resolve their target on each call (the one-process node builds the mempool after the chain). */
export function deferredMempoolChecks(get: () => MempoolChecks): MempoolChecks {
  return {
    forSubmission: (query) => get().forSubmission(query),
    delivery: (ids) => get().delivery(ids),
  };
}
