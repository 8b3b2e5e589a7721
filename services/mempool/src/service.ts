/**
 * The gRPC face of the mempool: `cairn.mempool.v1.MempoolService` (protocol §3.3). Thin: each
 * method reads the in-memory pending set. The optional `block_id` parameters are accepted and
 * ignored: this mempool keeps one pending set on the current head, not one per fork.
 */
import type { mempool } from "@cairn/proto";
import type { ServiceImplementation } from "@cairn/rpc";
import { tooManyRequested } from "./errors.ts";
import type { Mempool } from "./mempool.ts";
import { toPendingTransaction } from "./pending/entry.ts";

/** The MempoolService implementation type. */
export type MempoolServiceImpl = ServiceImplementation<typeof mempool.MempoolServiceDefinition>;

/** Most transactions one request may ask for (Koinos's mempool limit). */
export const MAX_TRANSACTIONS_PER_REQUEST = 2000;

/** Builds the MempoolService implementation over a Mempool controller. */
export function createMempoolService(m: Mempool): MempoolServiceImpl {
  const q = m.queries;
  return {
    checkPendingAccountResources(req) {
      return { success: q.checkResources(req.payer, req.max_payer_rc, req.rc_limit) };
    },
    getPendingTransactions(req) {
      if (req.limit > BigInt(MAX_TRANSACTIONS_PER_REQUEST)) throw tooManyRequested(MAX_TRANSACTIONS_PER_REQUEST, req.limit);
      const limit = req.limit === 0n ? MAX_TRANSACTIONS_PER_REQUEST : Number(req.limit);
      return { pending_transactions: q.pending(limit).map(toPendingTransaction) };
    },
    checkAccountNonce(req) {
      return { success: q.checkNonce(req.payee, req.nonce) };
    },
    getReservedAccountRc(req) {
      return { rc: q.reservedRc(req.account) };
    },
    getPendingNonce(req) {
      return { nonce: q.pendingNonce(req.payee) };
    },
    getPendingTransactionCount(req) {
      return { count: BigInt(q.pendingCount(req.payee)) };
    },
    getPendingTransactionsById(req) {
      if (req.transaction_ids.length > MAX_TRANSACTIONS_PER_REQUEST) throw tooManyRequested(MAX_TRANSACTIONS_PER_REQUEST, req.transaction_ids.length);
      return { pending_transactions: q.byIds(req.transaction_ids).map(toPendingTransaction) };
    },
  };
}
