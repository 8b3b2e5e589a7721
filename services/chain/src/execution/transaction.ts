/**
 * Applying one transaction (protocol §4.9): required fields, payer rc ≥ rc limit, chain id, id,
 * operation merkle root, payer/payee authority, nonce = current + 1, then the operations in a
 * child layer. A reversion (code ≥ 1) keeps the nonce and the rc charge and marks the receipt
 * `reverted`; a failure (code < 0) rejects the transaction and changes nothing.
 */
import { bytesEqual, toHex } from "@cairn/core";
import { protocol, rememberEncoding } from "@cairn/proto";
import {
  KoinEntryPoint,
  SHA256_CODE,
  addressText,
  addressToBase58,
  decodeNonce,
  encodeNonce,
  fromMultihash,
  nonceAccount,
  operationMerkleRootOf,
  sha256Multihash,
  transactionBytes,
  transactionEncodedLength,
  transactionHeaderBytes,
} from "@cairn/protocol";
import { getAccountRcResult } from "../contracts/args-reader.ts";
import { SPACES } from "../state/spaces.ts";
import type { StateLayer } from "../state/state.ts";
import { toDeltaEntries } from "../state/state.ts";
import { type BlockInfo, type Contracts, ExecutionContext } from "./context.ts";
import { ChainError, isChainError } from "./errors.ts";
import { Meter, TICKS } from "./metering.ts";
import { applyOperation } from "./operations.ts";
import { type ChainRules, resourceLimits } from "./rules.ts";

/**
 * Recovers the signers of a transaction (cached by the caller so it happens once per signature).
 * `digest` is the header's sha256, already checked against the transaction id (so the header is
 * not encoded and hashed a second time).
 */
export type SignerResolver = (tx: protocol.Transaction, digest: Uint8Array) => Uint8Array[];

export interface ApplyTransactionInput {
  tx: protocol.Transaction;
  /** Layer the transaction's changes are committed into (a block layer or a dry-run layer). */
  state: StateLayer;
  block: BlockInfo;
  rules: ChainRules;
  runtime: Contracts;
  signers: SignerResolver;
  /** First event sequence number (events count across a whole block). */
  eventSequence: number;
  /** Compute the block has left for this transaction, ticks; default: the block compute limit. */
  blockComputeLeft?: bigint;
  /** The payee's current nonce as the mempool sees it (submit with broadcast); default: state. */
  currentNonce?: bigint;
  /** The payer's rc on `state` when the caller just computed it (submission's mempool check); default: computed here. */
  payerRc?: bigint;
  /**
   * Remember the transaction's encoding, put together from the parts the checks encode anyway
   * (@cairn/proto `rememberEncoding`): a submission the mempool is to take and store as bytes.
   */
  rememberEncoding?: boolean;
}

export interface AppliedTransaction {
  receipt: protocol.TransactionReceipt;
  /** The reversion, when the operations reverted. */
  reversion?: ChainError;
  /** Logs the contracts wrote before reverting (what a submit error reports). */
  reversionLogs: string[];
  /** Next free event sequence number. */
  eventSequence: number;
}

/** A required field is missing (controller validate_transaction: no receipt yet, so no logs). */
const missing = (field: string, tx: protocol.Transaction, header = false) =>
  ChainError.of(header ? "transaction_header_missing_field" : "transaction_missing_field", { field, transaction_id: tx.id.length > 0 ? "0x" + toHex(tx.id) : undefined });

export function readNonce(state: { get: StateLayer["get"] }, account: Uint8Array): bigint {
  const raw = state.get(SPACES.transactionNonce, account);
  return raw ? decodeNonce(raw) : 0n;
}

function encodeRcArgs(account: Uint8Array): Uint8Array {
  return protocol.GetAccountRcArguments.encode({ account }).finish();
}

/** Checks the fields §4.9 step 1 requires, with Koinos's field names and texts. */
export function checkRequiredFields(tx: protocol.Transaction): protocol.TransactionHeader {
  if (tx.id.length === 0) throw ChainError.of("transaction_missing_field", { field: "id" });
  const h = tx.header;
  if (!h) throw missing("header", tx);
  if (h.payer.length === 0) throw missing("payer", tx);
  if (h.rc_limit === 0n) throw missing("rc_limit", tx, true);
  if (h.operation_merkle_root.length === 0) throw missing("operation_merkle_root", tx, true);
  if (tx.signatures.length === 0) throw missing("signature_data", tx);
  return h;
}

/** What `checkTransactionStructure` found out on the way. */
export interface TransactionStructure {
  /** The header's sha256 digest (the id without its multihash prefix), which signatures sign. */
  digest: Uint8Array;
  /** Bytes of the encoded transaction (what network bandwidth is charged for). */
  encodedLength: number;
  /**
   * The signers `applyTransaction` recovered for this structure (they follow from the digest and
   * the signatures, both covered by it): a block applying a transaction checked at its submission
   * does not look them up again.
   */
  signers?: Uint8Array[];
}

/**
 * The checks of apply_transaction that need no state besides the chain id: chain id, id,
 * operation merkle root (hash code and value). Errors carry `logs` (a receipt context exists).
 * The header and operations are encoded once here, for the id, the root and the encoded length
 * (and, with `remember`, the transaction's encoding made of them).
 */
export function checkTransactionStructure(tx: protocol.Transaction, header: protocol.TransactionHeader, rules: ChainRules, remember = false): TransactionStructure {
  if (!bytesEqual(header.chain_id, rules.chainId)) throw ChainError.of("chain_id_mismatch", {}, []);
  const known = checkedStructures.get(tx.id);
  if (known !== undefined && !remember && sameStructureContent(known.content, tx, header)) return known.structure;
  const headerBytes = transactionHeaderBytes(header);
  const id = sha256Multihash(headerBytes);
  if (!bytesEqual(id, tx.id)) throw ChainError.of("invalid_transaction_id", {}, []);
  let opRoot: { code: number };
  try {
    opRoot = fromMultihash(header.operation_merkle_root);
  } catch {
    throw ChainError.of("operation_merkle_root_mismatch", {}, []);
  }
  if (opRoot.code !== SHA256_CODE) throw ChainError.of("operation_merkle_root_hash_code", { o: opRoot.code, e: SHA256_CODE }, []);
  const operationBytes = tx.operations.map((op) => protocol.Operation.encode(op).finish());
  if (!bytesEqual(operationMerkleRootOf(operationBytes), header.operation_merkle_root)) throw ChainError.of("operation_merkle_root_mismatch", {}, []);
  if (remember) rememberEncoding(tx, transactionBytes(tx, headerBytes, operationBytes));
  const structure: TransactionStructure = { digest: id.subarray(2), encodedLength: transactionEncodedLength(tx, headerBytes, operationBytes) };
  checkedStructures.set(tx.id, { content: structureContent(tx, header), structure });
  return structure;
}

/**
 * Transactions whose structure passed `checkTransactionStructure`, by the byte array of their id,
 * with what the check covered. A transaction is checked at submission and again in its block; in
 * the one-process node the producer builds the block of the very transactions the chain accepted
 * (the same objects, or copies holding the same byte arrays), so the second check finds them here
 * and skips encoding the header and operations and hashing them (two sha256 and three encodes per
 * transfer). A hit needs everything the check read to be the same: the id, every header field
 * (byte arrays by identity, numbers by value), each operation and its fields, and the signatures
 * (for the encoded length). Anything else — a block decoded from bytes, a changed field — is
 * checked in full. Like the bus's shared payloads and remembered encodings (@cairn/proto), the
 * byte arrays and operations of an accepted transaction are not changed in place. Held weakly.
 */
const checkedStructures = new WeakMap<Uint8Array, { content: unknown[]; structure: TransactionStructure }>();

/**
 * Whether the signers of `tx` are probably known already: a structure was checked and its signers
 * recovered under its id's byte array. A hint for warming the signature cache (what the block's
 * own check finds is decided there, on the content); never for deciding anything about `tx`.
 */
export function signersProbablyKnown(tx: protocol.Transaction): boolean {
  return checkedStructures.get(tx.id)?.structure.signers !== undefined;
}

/** Closes an operation in `structureContent` (so two operations' entries never run together). */
const OPERATION_END = Symbol("operation end");

/**
 * What `checkTransactionStructure` read of `tx`, flat and by name: the header's fields, each
 * operation's set member with its fields (name, then value or object identity), the signatures.
 */
function structureContent(tx: protocol.Transaction, header: protocol.TransactionHeader): unknown[] {
  const out: unknown[] = [header.chain_id, header.rc_limit, header.nonce, header.operation_merkle_root, header.payer, header.payee, tx.operations.length];
  for (const op of tx.operations) {
    const members = op as Record<string, unknown>;
    for (const name in members) {
      const m = members[name];
      if (m === undefined) continue;
      out.push(name);
      if (m === null || typeof m !== "object") out.push(m);
      else for (const field in m) out.push(field, (m as Record<string, unknown>)[field]);
    }
    out.push(OPERATION_END);
  }
  out.push(tx.signatures.length, ...tx.signatures);
  return out;
}

function sameStructureContent(content: unknown[], tx: protocol.Transaction, header: protocol.TransactionHeader): boolean {
  const now = structureContent(tx, header);
  if (now.length !== content.length) return false;
  for (let i = 0; i < now.length; i++) if (now[i] !== content[i]) return false;
  return true;
}

/** The signers of `tx`, a bad signature reported as Koinos's recover_public_key does. */
function resolveSigners(tx: protocol.Transaction, digest: Uint8Array, signers: SignerResolver): Uint8Array[] {
  try {
    return signers(tx, digest);
  } catch (e) {
    if (isChainError(e)) throw e;
    throw ChainError.of(tx.signatures.some((s) => s.length !== 65) ? "signature_length" : "signature_public_key", {}, []);
  }
}

export function applyTransaction(input: ApplyTransactionInput): AppliedTransaction {
  const { tx, block, rules, runtime } = input;
  const header = checkRequiredFields(tx);
  const txLayer = input.state.child();
  const prices = resourceLimits(txLayer);

  // rc: the payer must be able to pay its whole rc limit.
  const maxPayerRc = input.payerRc ?? accountRc(txLayer, block, rules, runtime, header.payer);
  if (header.rc_limit > maxPayerRc) throw ChainError.of("payer_rc_below_limit", {}, []);
  const structure = checkTransactionStructure(tx, header, rules, input.rememberEncoding);
  const encodedLength = structure.encodedLength;

  const signers = (structure.signers ??= resolveSigners(tx, structure.digest, input.signers));
  const signedBy = (a: Uint8Array) => signers.some((s) => bytesEqual(s, a));
  if (!signedBy(header.payer)) throw ChainError.of("transaction_not_authorized", { account: addressText(header.payer) }, []);
  if (header.payee.length > 0 && !bytesEqual(header.payee, header.payer) && !signedBy(header.payee)) {
    throw ChainError.of("transaction_not_authorized", { account: addressText(header.payee) }, []);
  }

  const account = nonceAccount(header);
  const current = input.currentNonce ?? readNonce(txLayer, account);
  let nonce: bigint;
  try {
    nonce = decodeNonce(header.nonce);
  } catch {
    nonce = -1n;
  }
  if (nonce !== current + 1n) {
    throw ChainError.of("invalid_transaction_nonce", { a: addressText(account), n: "0x" + toHex(header.nonce), c: "0x" + toHex(encodeNonce(current)) }, []);
  }

  const meter = new Meter(prices, header.rc_limit, input.blockComputeLeft ?? prices.compute_bandwidth_limit);
  const ctx = new ExecutionContext({ state: txLayer, block, meter, signers, transaction: tx, readOnly: false, systemAuthority: rules.genesisAddress, chainId: rules.chainId });
  ctx.eventSequence = input.eventSequence;
  txLayer.put(SPACES.transactionNonce, account, header.nonce);

  let reversion: ChainError | undefined;
  const opsLayer = txLayer.child();
  const opsCtx = new ExecutionContext({ ...ctx.opts, state: opsLayer });
  opsCtx.eventSequence = input.eventSequence;
  try {
    // Before the operations a reversion is a failure (Koinos: "insufficient rc", code -1).
    meter.network(encodedLength);
  } catch (e) {
    if (isChainError(e) && e.isReversion) throw ChainError.of("insufficient_rc_failure", {}, []);
    throw e;
  }
  try {
    meter.compute(TICKS.transactionOverhead + TICKS.recoverSignature * tx.signatures.length);
    for (const op of tx.operations) applyOperation(opsCtx, runtime, op);
    opsLayer.commitInto(txLayer);
  } catch (e) {
    const err = isChainError(e) ? e : new ChainError("internal_error", `internal error: ${String((e as Error)?.message ?? e)}`);
    if (!err.isReversion) throw err.withLogs([...opsCtx.logs, ...err.logs]);
    reversion = err;
  }

  // Charge the rc used (capped at the limit) to the payer's mana.
  const used = meter.rcUsed();
  const rcUsed = used > header.rc_limit ? header.rc_limit : used;
  const consumed = runtime.call(new ExecutionContext({ ...ctx.opts, state: txLayer, meter: new Meter(prices, undefined) }), {
    contractId: rules.koinId,
    entryPoint: KoinEntryPoint.consume_account_rc,
    args: protocol.ConsumeAccountRcArguments.encode({ account: header.payer, value: rcUsed }).finish(),
    callerPrivilege: protocol.Privilege.kernel_mode,
  });
  if (!protocol.ConsumeAccountRcResult.decode(consumed).value) throw new ChainError("failure", `unable to consume rc for payer: ${addressToBase58(header.payer)}`, [], { p: addressToBase58(header.payer) });

  const logs = reversion ? [...opsCtx.logs, ...reversion.logs, `transaction reverted: ${reversion.message}`] : opsCtx.logs;
  // Built whole, not through fromPartial: every field is set here, and fromPartial would copy
  // each event and delta entry made moments ago again.
  const receipt: protocol.TransactionReceipt = {
    id: tx.id,
    payer: header.payer,
    max_payer_rc: maxPayerRc,
    rc_limit: header.rc_limit,
    rc_used: rcUsed,
    disk_storage_used: meter.usage.disk,
    network_bandwidth_used: meter.usage.network,
    compute_bandwidth_used: meter.usage.compute,
    reverted: reversion !== undefined,
    events: reversion ? [] : opsCtx.events,
    logs,
    state_delta_entries: toDeltaEntries(txLayer.sortedChanges()),
  };
  txLayer.commitInto(input.state);
  return { receipt, reversion, reversionLogs: reversion ? [...opsCtx.logs, ...reversion.logs] : [], eventSequence: reversion ? input.eventSequence : opsCtx.eventSequence };
}

/** Mana (rc) of an account now, via KOIN's get_account_rc in kernel mode. */
export function accountRc(state: StateLayer, block: BlockInfo, rules: ChainRules, runtime: Contracts, account: Uint8Array): bigint {
  const ctx = new ExecutionContext({ state, block, meter: new Meter(resourceLimits(state), undefined), signers: [], readOnly: true, systemAuthority: rules.genesisAddress, chainId: rules.chainId });
  const out = runtime.call(ctx, {
    contractId: rules.koinId,
    entryPoint: KoinEntryPoint.get_account_rc,
    args: encodeRcArgs(account),
    callerPrivilege: protocol.Privilege.kernel_mode,
  });
  return getAccountRcResult.decode(out).value;
}


