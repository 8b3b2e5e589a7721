/**
 * The read side of the mempool (what the RPCs and the chain's checks ask), answered from the
 * in-memory pending set without taking the controller's lock, with koinos-mempool's rules.
 */
import { toHex } from "@cairn/core";
import { decodeNonce } from "@cairn/protocol";
import type { SubmissionQuery, SubmissionView } from "./client.ts";
import type { PendingEntry } from "./pending/entry.ts";
import type { PendingPool } from "./pending/pool.ts";

/** Lookups over a PendingPool with the semantics of protocol §3.3. */
export class MempoolQueries {
  /** `capacity`: pending transactions the pool takes in all (the mempool's maxPendingTransactions). */
  constructor(
    private readonly pool: PendingPool,
    private readonly capacity: number,
  ) {}

  /** The first `limit` pending transactions in arrival order (0: none, as koinos-mempool). */
  pending(limit: number): PendingEntry[] {
    return this.pool.first(limit);
  }

  /** Pending transactions by id, in request order; unknown ids are skipped. */
  byIds(ids: readonly Uint8Array[]): PendingEntry[] {
    const out: PendingEntry[] = [];
    for (const id of ids) {
      const e = this.pool.get(toHex(id));
      if (e) out.push(e);
    }
    return out;
  }

  /** The nonce bytes of the payee's highest pending transaction; empty when none is pending. */
  pendingNonce(payee: Uint8Array): Uint8Array {
    return this.pool.topOf(toHex(payee))?.nonceBytes ?? new Uint8Array();
  }

  /**
   * check_account_nonce: false only when a transaction of the payee with exactly this nonce is
   * already pending (whether the nonce follows the account's is the chain's to decide). Bytes
   * that are not a nonce value are never acceptable.
   */
  checkNonce(payee: Uint8Array, nonce: Uint8Array): boolean {
    let n: bigint;
    try {
      n = decodeNonce(nonce);
    } catch {
      return false;
    }
    return this.pool.withNonce(toHex(payee), n) === undefined;
  }

  /** The rc reserved by the payer's pending transactions (the sum of their rc_limits). */
  reservedRc(payer: Uint8Array): bigint {
    return this.pool.reservedRc(toHex(payer));
  }

  /** check_pending_account_resources: can the payer cover `rcLimit` on top of what its pending transactions reserve? */
  checkResources(payer: Uint8Array, maxPayerRc: bigint, rcLimit: bigint): boolean {
    return this.reservedRc(payer) + rcLimit <= maxPayerRc;
  }

  /** How many transactions of the payee (nonce account) are pending. */
  pendingCount(payee: Uint8Array): number {
    return this.pool.countOf(toHex(payee));
  }

  /**
   * How many more transactions the pool takes before it refuses them (`pool_full`): the chain
   * refuses submissions once what it accepted and the mempool has not yet taken would fill them.
   */
  freeSlots(): number {
    return Math.max(this.capacity - this.pool.size, 0);
  }

  /** Everything the chain asks at submission, from the pending set as it is now. */
  forSubmission(q: SubmissionQuery): SubmissionView {
    return {
      reservedRc: this.reservedRc(q.payer),
      nonceFree: this.checkNonce(q.payee, q.nonce),
      pendingNonce: this.pendingNonce(q.payee),
      pendingCount: this.pendingCount(q.payee),
      held: new Set(this.byIds(q.ids).map((e) => e.idHex)),
      freeSlots: this.freeSlots(),
    };
  }
}
