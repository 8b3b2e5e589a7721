/** Account history's error codes (`account_history.*`), each a CairnError with a gRPC status. */
import { CairnError, ErrorStatus } from "@cairn/core";

/** Codes of the errors account history raises on purpose. */
export enum AccountHistoryErrorCode {
  /** `limit` above {@link MAX_HISTORY_LIMIT}. */
  RequestLimit = "account_history.request_limit_exceeded",
  /** The block store answered without a block or receipt it should have, or with a broken chain. */
  BadBlockSource = "account_history.bad_block_source",
  /** Another writer kept moving the read model while this one tried to apply blocks. */
  Contention = "account_history.contention",
}

/** Most entries one get_account_history call returns (protocol §3.4). */
export const MAX_HISTORY_LIMIT = 500n;

/** `cannot request more than 500 entries` (INVALID_ARGUMENT). */
export function requestLimitError(limit: bigint): CairnError {
  return new CairnError(AccountHistoryErrorCode.RequestLimit, `cannot request more than ${MAX_HISTORY_LIMIT} entries`, {
    status: ErrorStatus.InvalidArgument,
    data: { limit: limit.toString(), max: Number(MAX_HISTORY_LIMIT) },
  });
}

/** The block source gave something unusable (UNAVAILABLE: the bus redelivers, catch-up retries). */
export function badBlockSource(message: string, data: Record<string, unknown> = {}): CairnError {
  return new CairnError(AccountHistoryErrorCode.BadBlockSource, message, { status: ErrorStatus.Unavailable, data });
}
