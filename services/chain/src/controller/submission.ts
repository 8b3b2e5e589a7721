/**
 * `submit_transaction` (protocol §4.9) in Koinos's order: required fields; with `broadcast`, the
 * mempool's answers — can the payer's rc cover this `rc_limit` on top of what its pending
 * transactions reserve (`insufficient pending account resources`), is this exact nonce already
 * pending (`invalid account nonce`), the per-account pending limit — then application on a
 * throw-away copy of head state, with the nonce counted from the highest pending one. With
 * `broadcast`, the receipt is returned only once `koinos.transaction.accept` is durably on the
 * bus: a receipt is a promise that the transaction ends in a block or in an explicit failure.
 *
 * Backpressure: the mempool keeps at most its capacity (`maxPendingTransactions`) and refuses
 * beyond it, after the chain has answered. So with `broadcast` the chain refuses a submission
 * (`pending_transaction_limit_exceeded`, "too many transactions awaiting the mempool", nothing
 * accepted, the client may try again) when the transactions it accepted that the mempool has not
 * reported taking (the pending window) would fill the places the mempool reported free. A window
 * entry the mempool already holds unreported counts twice: the refusal errs on the safe side.
 */
import { toHex } from "@cairn/core";
import type { MempoolChecks } from "@cairn/mempool/client";
import type { protocol } from "@cairn/proto";
import { decodeNonce, nonceAccount } from "@cairn/protocol";
import type { BlockInfo } from "../execution/context.ts";
import { ChainError } from "../execution/errors.ts";
import type { ChainRules } from "../execution/rules.ts";
import { type SignerResolver, accountRc, applyTransaction, checkRequiredFields, readNonce } from "../execution/transaction.ts";
import type { ContractRuntime } from "../contracts/runtime.ts";
import { type StateReader, StateLayer } from "../state/state.ts";
import { type PendingWindow, windowView } from "./pending-window.ts";

/** What submission needs from the controller. */
export interface SubmissionContext {
  state: StateReader;
  rules: ChainRules;
  runtime: ContractRuntime;
  block: BlockInfo;
  signers: SignerResolver;
  mempool: MempoolChecks | undefined;
  window: PendingWindow;
  /** Per-account pending transaction limit (0: none). */
  pendingTransactionLimit: number;
  /** Publishes `koinos.transaction.accept`; resolves once the bus stored it. */
  publishAccepted(tx: protocol.Transaction, receipt: protocol.TransactionReceipt): Promise<void>;
  /**
   * How long the bus has to store the accept before the submission fails, ms. It must end well
   * before the gateway's deadline: koilib takes a JSON-RPC "context deadline exceeded" answer to
   * `submit_transaction` for a receipt (Koinos's gateway gives it for slow but accepted
   * submissions), so a publish still waiting at the deadline would read as accepted.
   */
  publishTimeoutMs: number;
}

/** `p`, or a rejection once `ms` have passed (the timer is cleared either way). */
function withinMs<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the bus did not store it within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Checks and dry-runs `tx`; with `broadcast`, has the mempool take it. Resolves with the receipt. */
export async function submitTransaction(c: SubmissionContext, tx: protocol.Transaction, broadcast: boolean): Promise<protocol.TransactionReceipt> {
  const header = checkRequiredFields(tx);
  const layer = new StateLayer(c.state);
  let asked: MempoolAnswer | undefined;
  if (broadcast && c.mempool) asked = await askMempool(c, c.mempool, tx, header, layer);
  const applied = applyTransaction({ tx, state: layer, block: c.block, rules: c.rules, runtime: c.runtime, signers: c.signers, eventSequence: 0, currentNonce: asked?.currentNonce, payerRc: asked?.payerRc, rememberEncoding: broadcast });
  if (applied.reversion) throw applied.reversion.withLogs(applied.receipt.logs);
  if (broadcast) {
    // A full window means the mempool has not taken tens of thousands of transactions: refuse
    // rather than forget one already promised.
    if (c.window.isFull()) throw new ChainError("pending_transaction_limit_exceeded", `too many transactions awaiting the mempool (${c.window.capacity}), try again shortly`);
    if (asked?.room) checkMempoolRoom(c.window, asked.room);
    c.window.add(tx, applied.receipt);
    try {
      await withinMs(c.publishAccepted(tx, applied.receipt), c.publishTimeoutMs);
    } catch (e) {
      c.window.remove(tx.id);
      throw new ChainError("rpc_failure", `could not publish the transaction, it was not accepted: ${(e as Error).message}`);
    }
  }
  return applied.receipt;
}

/** What the mempool's answer leaves the submission to use. */
interface MempoolAnswer {
  currentNonce: bigint;
  payerRc: bigint | undefined;
  /** The mempool's free places, when it reports them. */
  room: MempoolRoom | undefined;
}

/** The free places of the mempool's pending set at its answer. */
interface MempoolRoom {
  freeSlots: number;
  /**
   * `window.departed` as the answer counts it: entries that left the window since (another
   * answer or the audit found the mempool holding them, a block included them) may not be in the
   * pool the answer measured, and count as still awaiting the mempool.
   */
  departedAt: number;
}

/**
 * Refuses when the window's entries (accepted, not reported taken by the mempool), with those that
 * left it since the mempool's answer, would fill the places the mempool reported free: past them
 * the mempool would refuse (`pool_full`) a transaction already receipted.
 */
function checkMempoolRoom(window: PendingWindow, room: MempoolRoom): void {
  const awaiting = window.size + (window.departed - room.departedAt);
  if (awaiting >= room.freeSlots) throw new ChainError("pending_transaction_limit_exceeded", `too many transactions awaiting the mempool (${awaiting} accepted and not yet taken, room for ${room.freeSlots} more), try again shortly`);
}

/**
 * The mempool's checks, in Koinos's order, on one answer of the mempool (one round trip);
 * resolves with the nonce to count from, when head state did not change while the mempool
 * answered, the payer's rc (which the dry run then reuses), and the mempool's free places.
 */
async function askMempool(c: SubmissionContext, mempool: MempoolChecks, tx: protocol.Transaction, header: protocol.TransactionHeader, layer: StateLayer): Promise<MempoolAnswer> {
  const account = nonceAccount(header);
  let entries = c.window.entriesOf(header.payer, account);
  const revision = c.state.revision;
  const maxPayerRc = accountRc(layer, c.block, c.rules, c.runtime, header.payer);
  let departedAt = c.window.departed;
  const answer = await mempool.forSubmission({ payer: header.payer, payee: account, nonce: header.nonce, ids: entries.map((e) => e.id) });
  if (answer.held.size > 0) {
    // The pool the answer measured holds these: their leaving the window is counted there.
    departedAt += c.window.confirm(answer.held);
    entries = entries.filter((e) => !answer.held.has(e.idHex));
  }
  const room = answer.freeSlots === undefined ? undefined : { freeSlots: answer.freeSlots, departedAt };
  const view = windowView(entries, header.payer, account);
  // check_pending_account_resources: what pending transactions reserve, plus this rc_limit.
  if (answer.reservedRc + header.rc_limit + view.reservedRc > maxPayerRc) throw ChainError.of("insufficient_pending_resources");
  let nonce: bigint | undefined;
  try {
    nonce = decodeNonce(header.nonce);
  } catch {
    nonce = undefined;
  }
  const nonceFree = (nonce === undefined || !view.nonces.has(nonce)) && answer.nonceFree;
  if (!nonceFree) throw ChainError.of("mempool_nonce_taken");
  if (c.pendingTransactionLimit > 0 && answer.pendingCount + view.count >= c.pendingTransactionLimit) throw ChainError.of("pending_transaction_limit");
  // Koinos counts from the mempool's pending nonce; a mempool that has not yet seen the last
  // block could report one below head state, so the higher of the two is used.
  let current = readNonce(layer, account);
  if (answer.pendingNonce.length > 0) {
    const p = decodeNonce(answer.pendingNonce);
    if (p > current) current = p;
  }
  if (view.topNonce !== undefined && view.topNonce > current) current = view.topNonce;
  const unchanged = revision !== undefined && c.state.revision === revision;
  return { currentNonce: current, payerRc: unchanged ? maxPayerRc : undefined, room };
}

/** Hex of an account (for the per-account lock). */
export function lockKeyOf(tx: protocol.Transaction): string {
  return toHex(nonceAccount(checkRequiredFields(tx)));
}
