/**
 * The gRPC face of the mempool: `cairn.mempool.v1.MempoolService` (protocol §3.3), with
 * koinos-mempool's rules: `limit` 0 returns nothing, more than 2,000 is refused, reserved rc is
 * the sum of pending rc_limits, a nonce is refused only when exactly that nonce is pending. The
 * optional `block_id`: this mempool keeps the pending set of the head it last applied, so a
 * `block_id` naming that block (or none) is answered, and any other is answered as koinos-mempool
 * answers a block it has no view of. Before the first block, like koinos-mempool, `block_id` is
 * ignored by the pending-transaction reads.
 */
import { bytesEqual } from "@cairn/core";
import type { mempool } from "@cairn/proto";
import type { ServiceImplementation } from "@cairn/rpc";
import { tooManyRequested, unknownBlock } from "./errors.ts";
import type { Mempool } from "./mempool.ts";
import { toPendingTransaction } from "./pending/entry.ts";

/** The MempoolService implementation type. */
export type MempoolServiceImpl = ServiceImplementation<typeof mempool.MempoolServiceDefinition>;

/** Most transactions one request may ask for (Koinos's mempool limit). */
export const MAX_TRANSACTIONS_PER_REQUEST = 2000;

/** Builds the MempoolService implementation over a Mempool controller. */
export function createMempoolService(m: Mempool): MempoolServiceImpl {
  const q = m.queries;
  /** Throws unless `blockId` is absent or the head the pending set reflects. */
  const onView = (blockId: Uint8Array | undefined, kind: "pending" | "resources" | "nonce", lenientBeforeFirstBlock = false) => {
    if (blockId === undefined) return;
    const head = m.lastApplied;
    if (!head || head.height === 0n) {
      if (lenientBeforeFirstBlock) return;
      throw unknownBlock(kind);
    }
    if (!bytesEqual(head.id, blockId)) throw unknownBlock(kind);
  };
  return {
    checkPendingAccountResources(req) {
      onView(req.block_id, "resources");
      return { success: q.checkResources(req.payer, req.max_payer_rc, req.rc_limit) };
    },
    getPendingTransactions(req) {
      if (req.limit > BigInt(MAX_TRANSACTIONS_PER_REQUEST)) throw tooManyRequested(MAX_TRANSACTIONS_PER_REQUEST);
      onView(req.block_id, "pending", true);
      return { pending_transactions: q.pending(Number(req.limit)).map(toPendingTransaction) };
    },
    checkAccountNonce(req) {
      onView(req.block_id, "resources");
      return { success: q.checkNonce(req.payee, req.nonce) };
    },
    getReservedAccountRc(req) {
      return { rc: q.reservedRc(req.account) };
    },
    getPendingNonce(req) {
      onView(req.block_id, "nonce");
      return { nonce: q.pendingNonce(req.payee) };
    },
    getPendingTransactionCount(req) {
      onView(req.block_id, "nonce");
      return { count: BigInt(q.pendingCount(req.payee)) };
    },
    getFailedTransactions(req) {
      if (req.transaction_ids.length > MAX_TRANSACTIONS_PER_REQUEST) throw tooManyRequested(MAX_TRANSACTIONS_PER_REQUEST);
      return { failed_transactions: m.failures.lookup(req.transaction_ids) };
    },
    checkSubmissions(req) {
      if (req.checks.length > MAX_TRANSACTIONS_PER_REQUEST) throw tooManyRequested(MAX_TRANSACTIONS_PER_REQUEST);
      if (req.checks.some((c) => c.transaction_ids.length > MAX_TRANSACTIONS_PER_REQUEST)) throw tooManyRequested(MAX_TRANSACTIONS_PER_REQUEST);
      return {
        answers: req.checks.map((c) => ({
          reserved_rc: q.reservedRc(c.payer),
          nonce_free: q.checkNonce(c.payee, c.nonce),
          pending_nonce: q.pendingNonce(c.payee),
          pending_count: BigInt(q.pendingCount(c.payee)),
          pending_transaction_ids: q.byIds(c.transaction_ids).map((e) => e.id),
          free_slots: BigInt(q.freeSlots()),
        })),
      };
    },
    getPendingTransactionsById(req) {
      if (req.transaction_ids.length > MAX_TRANSACTIONS_PER_REQUEST) throw tooManyRequested(MAX_TRANSACTIONS_PER_REQUEST);
      onView(req.block_id, "pending", true);
      return { pending_transactions: q.byIds(req.transaction_ids).map(toPendingTransaction) };
    },
  };
}
