/**
 * The block and transaction stores' errors. Messages are Koinos's own (protocol §3.2, §1.5): the
 * gateway passes `message` through as the JSON-RPC error message, with no `data`.
 */
import { CairnError, ErrorStatus, toHex } from "@cairn/core";
import { rejection } from "@cairn/protocol";

/** Error codes of the `block_store` and `transaction_store` domains. */
export enum BlockStoreErrorCode {
  /** More than `MAX_REQUEST_ITEMS` block ids or blocks asked for. */
  RequestTooLarge = "block_store.request_too_large",
  /** `ancestor_start_height` is 0. */
  InvalidStartHeight = "block_store.invalid_start_height",
  /** `ancestor_start_height` is above the head block's height. */
  HeightMismatch = "block_store.height_mismatch",
  /** The head block of a by-height request is not stored. */
  BlockNotPresent = "block_store.block_not_present",
  /** A block to add has no id or no header. */
  InvalidBlock = "block_store.invalid_block",
  /** A block to add fails verification (id, merkle root, signature, parent). */
  UnverifiedBlock = "block_store.unverified_block",
  /** A request without the ids (or head block id) it needs. */
  MissingField = "block_store.missing_field",
  /** More than `MAX_REQUEST_ITEMS` transaction ids asked for. */
  TransactionRequestTooLarge = "transaction_store.request_too_large",
  /** Client side: the block store answered without a block or receipt it was asked for. */
  BadResponse = "block_store.bad_response",
}

/** Most block ids (by id) or blocks (by height) one request may ask for (Koinos: 1000). */
export const MAX_REQUEST_ITEMS = 1000;

/** `cannot request more than 1000 blocks` (InvalidArgument). */
export function requestTooLarge(): CairnError {
  return new CairnError(BlockStoreErrorCode.RequestTooLarge, `cannot request more than ${MAX_REQUEST_ITEMS} blocks`, { status: ErrorStatus.InvalidArgument });
}

/** `ancestor_start_height must be greater than 0` (InvalidArgument). */
export function invalidStartHeight(): CairnError {
  return new CairnError(BlockStoreErrorCode.InvalidStartHeight, "ancestor_start_height must be greater than 0", { status: ErrorStatus.InvalidArgument });
}

/** `Block height mismatch` (InvalidArgument): the start height is above the head. */
export function heightMismatch(): CairnError {
  return new CairnError(BlockStoreErrorCode.HeightMismatch, "Block height mismatch", { status: ErrorStatus.InvalidArgument });
}

/** `Block not present - ID: 0x<hex>` (NotFound). */
export function blockNotPresent(id: Uint8Array): CairnError {
  return new CairnError(BlockStoreErrorCode.BlockNotPresent, `Block not present - ID: 0x${toHex(id)}`, { status: ErrorStatus.NotFound });
}

/** A block that cannot be stored (InvalidArgument); `what` names the missing part. */
export function invalidBlock(what: string): CairnError {
  return new CairnError(BlockStoreErrorCode.InvalidBlock, `missing expected field: ${what}`, { status: ErrorStatus.InvalidArgument });
}

/** `cannot request more than 1000 transactions` (InvalidArgument). */
export function transactionRequestTooLarge(): CairnError {
  return new CairnError(BlockStoreErrorCode.TransactionRequestTooLarge, `cannot request more than ${MAX_REQUEST_ITEMS} transactions`, { status: ErrorStatus.InvalidArgument });
}

/** A block `AddBlock` refuses (InvalidArgument): `reason` says which check failed. */
export function unverifiedBlock(reason: string): CairnError {
  return new CairnError(BlockStoreErrorCode.UnverifiedBlock, `block rejected: ${reason}`, { status: ErrorStatus.InvalidArgument });
}

/** Koinos's text for a request without the ids or head block id it needs (InvalidArgument). */
export function missingField(name: "block_store_no_ids" | "block_store_no_head" | "transaction_store_no_ids"): CairnError {
  return new CairnError(BlockStoreErrorCode.MissingField, rejection(name).message, { status: ErrorStatus.InvalidArgument });
}
