/** Error codes of the `mempool` domain; the texts are koinos-mempool's (the `REJECTIONS` table). */
import { CairnError, ErrorStatus } from "@cairn/core";
import { rejection } from "@cairn/protocol";

/** Every deliberate mempool error, `mempool.<what>`. */
export enum MempoolErrorCode {
  /** A request asked for more than 2,000 transactions (protocol §3.3). */
  TooManyRequested = "mempool.too_many_requested",
  /** A `block_id` the mempool has no view of. */
  UnknownBlock = "mempool.unknown_block",
  /** A `koinos.transaction.accept` payload without the fields the mempool needs. */
  InvalidTransaction = "mempool.invalid_transaction",
  /** The block store answered something that is not the requested branch. */
  BadBlockSource = "mempool.bad_block_source",
}

/** `requested too many pending transactions. max: <max>` (INVALID_ARGUMENT), as koinos-mempool says it. */
export function tooManyRequested(max: number): CairnError {
  return new CairnError(MempoolErrorCode.TooManyRequested, rejection("mempool_request_overflow", { max }).message, { status: ErrorStatus.InvalidArgument });
}

/** koinos-mempool's answer for a `block_id` it has no view of, per kind of request. */
export function unknownBlock(kind: "pending" | "resources" | "nonce"): CairnError {
  const name = kind === "pending" ? "mempool_unknown_block_pending" : kind === "resources" ? "mempool_unknown_block_resources" : "mempool_unknown_block_nonce";
  return new CairnError(MempoolErrorCode.UnknownBlock, rejection(name).message, { status: ErrorStatus.FailedPrecondition });
}
