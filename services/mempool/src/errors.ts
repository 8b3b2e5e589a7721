/** Error codes of the `mempool` domain. */
import { CairnError, ErrorStatus } from "@cairn/core";

/** Every deliberate mempool error, `mempool.<what>`. */
export enum MempoolErrorCode {
  /** A request asked for more than 2,000 transactions (protocol §3.3). */
  TooManyRequested = "mempool.too_many_requested",
  /** A `koinos.transaction.accept` payload without the fields the mempool needs. */
  InvalidTransaction = "mempool.invalid_transaction",
  /** The block store answered something that is not the requested branch. */
  BadBlockSource = "mempool.bad_block_source",
}

/** `cannot request more than <max> transactions` (INVALID_ARGUMENT), as Koinos's mempool says it. */
export function tooManyRequested(max: number, requested: bigint | number): CairnError {
  return new CairnError(MempoolErrorCode.TooManyRequested, `cannot request more than ${max} transactions`, {
    status: ErrorStatus.InvalidArgument,
    data: { requested: String(requested), max },
  });
}
