/** The gRPC face: `cairn.account_history.v1.AccountHistoryService` over the store (protocol §3.4). */
import { account_history } from "@cairn/proto";
import type { ServiceImplementation } from "@cairn/rpc";
import { MAX_HISTORY_LIMIT, requestLimitError } from "./errors.ts";
import type { RecordCache } from "./record-cache.ts";
import type { AccountHistoryStore, StoredEntry } from "./store/store.ts";

/** The AccountHistoryService implementation type. */
export type AccountHistoryServiceImpl = ServiceImplementation<typeof account_history.AccountHistoryServiceDefinition>;

/** An entry as the RPC returns it (records decoded through `records` when given: shared, read-only). */
export function toHistoryEntry(e: StoredEntry, records?: RecordCache): account_history.AccountHistoryEntry {
  if (records !== undefined) {
    const decoded = records.decode(e.kind, e.record);
    return e.kind === "block" ? { seq_num: e.seqNum, block: decoded as account_history.BlockRecord } : { seq_num: e.seqNum, trx: decoded as account_history.TransactionRecord };
  }
  return e.kind === "block"
    ? { seq_num: e.seqNum, block: account_history.BlockRecord.decode(e.record) }
    : { seq_num: e.seqNum, trx: account_history.TransactionRecord.decode(e.record) };
}

/** The largest seq_num the store can hold (int64). */
const MAX_STORED_SEQ_NUM = 2n ** 63n - 1n;

/**
 * get_account_history: `limit` over 500 fails with `cannot request more than 500 entries`; 0
 * returns nothing. Ascending starts at `seq_num` (default 0); descending at `seq_num` (default the
 * newest entry); a `seq_num` past 2^63 − 1 (no entry can have it) returns nothing. `irreversible` reads only entries of blocks at or below the LIB.
 * With `records`, decoded records are kept for the next reads (record-cache.ts).
 */
export function createAccountHistoryService(store: Pick<AccountHistoryStore, "history">, records?: RecordCache): AccountHistoryServiceImpl {
  return {
    async getAccountHistory(req) {
      if (req.limit > MAX_HISTORY_LIMIT) throw requestLimitError(req.limit);
      if (req.limit === 0n) return { values: [] };
      // seq_nums are stored as int64; a start past its range has no entry, and Koinos then returns nothing.
      if (req.seq_num !== undefined && req.seq_num > MAX_STORED_SEQ_NUM) return { values: [] };
      const rows = await store.history({ address: req.address, seqNum: req.seq_num, limit: Number(req.limit), ascending: req.ascending, irreversible: req.irreversible });
      return { values: rows.map((row) => toHistoryEntry(row, records)) };
    },
  };
}
