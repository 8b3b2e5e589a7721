/**
 * How a Koinos node words each rejection Cairn reproduces, in one table: the service that raises
 * it, the `koinos.chain.error_code` (chain rejections only), the message template with its
 * `${key}` placeholders, the keys of the captured JSON that becomes the JSON-RPC error `data`
 * (besides `code`), and whether `logs` is added (only where a receipt or read context exists).
 * Read from koinos-chain `controller.cpp` / `system_calls.cpp`, koinos-mempool `mempool.cpp`,
 * koinos-block-store, koinos-transaction-store, koinos-account-history and koinos-contracts-as
 * `Koin.ts`; see docs/koinos-errors.md. Every service builds its rejections from here, and one
 * test walks the table.
 */
import { ChainErrorCode } from "./constants.ts";

/** The Koinos service a rejection comes from. */
export type RejectionService = "chain" | "mempool" | "block_store" | "transaction_store" | "account_history";

/** One row: how Koinos words a rejection. */
export interface RejectionSpec {
  service: RejectionService;
  /** The chain error name (its number in `ChainErrorCode`); absent for other services. */
  chainCode?: keyof typeof ChainErrorCode;
  /** Message template; `${key}` is replaced by the captured value of `key`. */
  template: string;
  /** Keys captured in `data` besides `code`, in template order then the rest. */
  data: readonly string[];
  /** Whether `data` carries `logs` (a receipt or read context existed when it was raised). */
  logs: boolean;
}

const chain = (chainCode: keyof typeof ChainErrorCode, template: string, data: readonly string[], logs: boolean): RejectionSpec => ({ service: "chain", chainCode, template, data, logs });
const plain = (service: RejectionService, template: string): RejectionSpec => ({ service, template, data: [], logs: false });

/** Every rejection Cairn reproduces, by a stable name. */
export const REJECTIONS = {
  // chain: submit_transaction / submit_block required fields (controller validate_*), no context yet.
  transaction_missing_field: chain("missing_required_arguments", "missing expected field in transaction: ${field}", ["field", "transaction_id"], false),
  transaction_header_missing_field: chain("missing_required_arguments", "missing expected field in transaction header: ${field}", ["field", "transaction_id"], false),
  block_missing_field: chain("missing_required_arguments", "missing expected field in block: ${field}", ["field", "block_id"], false),
  block_header_missing_field: chain("missing_required_arguments", "missing expected field in block header: ${field}", ["field", "block_id"], false),
  // chain: submit_transaction with broadcast, the mempool's answers (before application).
  insufficient_pending_resources: chain("insufficient_rc", "insufficient pending account resources", [], false),
  mempool_nonce_taken: chain("invalid_nonce", "invalid account nonce", [], false),
  pending_transaction_limit: chain("pending_transaction_limit_exceeded", "pending transaction limit exceeded", [], false),
  // chain: apply_transaction (a transaction receipt exists: logs).
  payer_rc_below_limit: chain("failure", "payer does not have the rc to cover transaction rc limit", [], true),
  chain_id_mismatch: chain("failure", "chain id mismatch", [], true),
  invalid_transaction_id: chain("failure", "transaction contains an invalid transaction id", [], true),
  operation_merkle_root_hash_code: chain("failure", "unexpected operation merkle root hash code - was: ${o}, expected: ${e}", ["o", "e"], true),
  operation_merkle_root_mismatch: chain("failure", "operation merkle root does not match", [], true),
  transaction_not_authorized: chain("authorization_failure", "account ${account} has not authorized transaction", ["account"], true),
  invalid_transaction_nonce: chain("invalid_nonce", "invalid transaction nonce - account: ${a}, nonce: ${n}, current nonce: ${c}", ["a", "n", "c"], true),
  signature_length: chain("invalid_signature", "unexpected signature length", [], true),
  signature_not_canonical: chain("invalid_signature", "signature must be canonical", [], true),
  signature_public_key: chain("invalid_signature", "public key is invalid", [], true),
  /** rc limit below the network charge: a reversion before the operations becomes a failure. */
  insufficient_rc_failure: chain("failure", "insufficient rc", [], true),
  /** rc limit covers the network charge but not the operations: the transaction reverts. */
  insufficient_rc_reverted: chain("insufficient_rc", "insufficient rc", [], true),
  // KOIN (koinos-contracts-as Koin.ts), raised inside the operations.
  koin_insufficient_balance: chain("failure", "account 'from' has insufficient balance", [], true),
  koin_transfer_to_self: chain("reversion", "cannot transfer to yourself", [], true),
  koin_transfer_not_authorized: chain("authorization_failure", "account 'from' has not authorized transfer", [], true),
  // chain: submit_block.
  block_signature: chain("invalid_signature", "failed to process block signature", [], true),
  // chain: reads.
  missing_field: chain("missing_required_arguments", "missing expected field: ${f}", ["f"], false),
  missing_id_or_name: chain("missing_required_arguments", "missing expected field: ${f1} or ${f2}", ["f1", "f2"], false),
  unknown_thunk: chain("unknown_thunk", "thunk ${tid} does not exist", ["tid"], false),
  unknown_system_call_name: chain("unknown_system_call", "unknown system call name", [], false),
  exit_without_error_data: chain("reversion", "exit error did not contain error data", [], true),
  // mempool (koinos-mempool mempool.cpp): message only.
  mempool_request_overflow: plain("mempool", "requested too many pending transactions. max: ${max}"),
  mempool_unknown_block_pending: plain("mempool", "cannot retrieve pending transactions from an unknown block"),
  mempool_unknown_block_resources: plain("mempool", "cannot check pending account resources from an unknown block"),
  mempool_unknown_block_nonce: plain("mempool", "cannot check pending nonce from an unknown block"),
  // block store, transaction store, account history: message only.
  block_store_no_ids: plain("block_store", "expected field 'block_id' was nil"),
  block_store_no_head: plain("block_store", "expected field, 'head_block_id' was nil"),
  transaction_store_no_ids: plain("transaction_store", "expected field transaction_ids was nil"),
  account_history_limit: plain("account_history", "request limit exceeded"),
} as const satisfies Record<string, RejectionSpec>;

export type RejectionName = keyof typeof REJECTIONS;

/** A rejection filled in: the message, the chain code (chain only) and the captured data. */
export interface Rejection {
  name: RejectionName;
  message: string;
  chainCode: number | undefined;
  /** Captured keys (without `code`; `logs` only when the spec has logs and logs were given). */
  data: Record<string, unknown>;
}

/** Fills a template: `${key}` → String(values[key]). */
export function fillTemplate(template: string, values: Record<string, unknown>): string {
  return template.replace(/\$\{(\w+)\}/g, (_m, k: string) => (k in values ? String(values[k]) : `\${${k}}`));
}

/** The placeholders of a template, in order. */
export function templateKeys(template: string): string[] {
  return [...template.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!);
}

/**
 * Builds rejection `name` from the captured `values` (the keys of its spec; extra keys are
 * dropped, missing ones left out of `data`) and, for a spec with logs, the `logs` gathered.
 */
export function rejection(name: RejectionName, values: Record<string, unknown> = {}, logs?: readonly string[]): Rejection {
  const spec: RejectionSpec = REJECTIONS[name];
  const data: Record<string, unknown> = {};
  for (const k of spec.data) if (values[k] !== undefined) data[k] = values[k];
  if (spec.logs && logs) data.logs = [...logs];
  return { name, message: fillTemplate(spec.template, values), chainCode: spec.chainCode === undefined ? undefined : ChainErrorCode[spec.chainCode], data };
}
