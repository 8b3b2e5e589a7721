/**
 * The in-memory index of pending transactions: by id in arrival order, by nonce account (nonce →
 * entry, highest pending nonce) and by payer (count, reserved rc). Pure bookkeeping: the rules
 * (limits, nonces, blocks) live in the Mempool controller.
 */
import type { PendingEntry } from "./entry.ts";

interface AccountIndex {
  byNonce: Map<bigint, PendingEntry>;
  /** The entry with the highest nonce. */
  top: PendingEntry;
}

interface PayerIndex {
  count: number;
  /** Sum of the rc_limits of the payer's pending transactions. */
  rc: bigint;
}

/** Pending transactions with the lookups the RPCs need, each O(1) or O(entries of one account). */
export class PendingPool {
  /** Insertion order = arrival order (an entry re-added after removal goes to the end). */
  private readonly byId = new Map<string, PendingEntry>();
  private readonly accounts = new Map<string, AccountIndex>();
  private readonly payers = new Map<string, PayerIndex>();

  get size(): number {
    return this.byId.size;
  }

  has(idHex: string): boolean {
    return this.byId.has(idHex);
  }

  get(idHex: string): PendingEntry | undefined {
    return this.byId.get(idHex);
  }

  /** Every entry in arrival order. */
  entries(): IterableIterator<PendingEntry> {
    return this.byId.values();
  }

  /** The first `limit` entries in arrival order. */
  first(limit: number): PendingEntry[] {
    const out: PendingEntry[] = [];
    if (limit <= 0) return out;
    for (const e of this.byId.values()) {
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Adds `e` (the caller checked it is not present and its nonce is free). */
  add(e: PendingEntry): void {
    this.byId.set(e.idHex, e);
    const acc = this.accounts.get(e.nonceAccountHex);
    if (acc) {
      acc.byNonce.set(e.nonce, e);
      if (e.nonce > acc.top.nonce) acc.top = e;
    } else {
      this.accounts.set(e.nonceAccountHex, { byNonce: new Map([[e.nonce, e]]), top: e });
    }
    const p = this.payers.get(e.payerHex);
    if (p) {
      p.count++;
      p.rc += e.rcLimit;
    } else {
      this.payers.set(e.payerHex, { count: 1, rc: e.rcLimit });
    }
  }

  /** Removes and returns the entry with `idHex`, if present. */
  remove(idHex: string): PendingEntry | undefined {
    const e = this.byId.get(idHex);
    if (!e) return undefined;
    this.byId.delete(idHex);
    const acc = this.accounts.get(e.nonceAccountHex)!;
    if (acc.byNonce.get(e.nonce) === e) acc.byNonce.delete(e.nonce);
    if (acc.byNonce.size === 0) this.accounts.delete(e.nonceAccountHex);
    else if (acc.top === e) acc.top = highest(acc.byNonce);
    const p = this.payers.get(e.payerHex)!;
    p.count--;
    p.rc -= e.rcLimit;
    if (p.count === 0) this.payers.delete(e.payerHex);
    return e;
  }

  /** The pending entry with the highest nonce of a nonce account. */
  topOf(accountHex: string): PendingEntry | undefined {
    return this.accounts.get(accountHex)?.top;
  }

  /** The pending entry of a nonce account with exactly `nonce`. */
  withNonce(accountHex: string, nonce: bigint): PendingEntry | undefined {
    return this.accounts.get(accountHex)?.byNonce.get(nonce);
  }

  /** A nonce account's pending entries, by ascending nonce. */
  ofAccount(accountHex: string): PendingEntry[] {
    const acc = this.accounts.get(accountHex);
    if (!acc) return [];
    return [...acc.byNonce.values()].sort((a, b) => (a.nonce < b.nonce ? -1 : a.nonce > b.nonce ? 1 : 0));
  }

  /** How many transactions of a nonce account are pending. */
  countOf(accountHex: string): number {
    return this.accounts.get(accountHex)?.byNonce.size ?? 0;
  }

  /** The rc reserved by a payer's pending transactions (the sum of their rc_limits). */
  reservedRc(payerHex: string): bigint {
    return this.payers.get(payerHex)?.rc ?? 0n;
  }

  /** Hex keys of every nonce account with pending transactions. */
  nonceAccounts(): string[] {
    return [...this.accounts.keys()];
  }

  /** The nonce account bytes for a hex key (from any of its entries). */
  accountBytes(accountHex: string): Uint8Array | undefined {
    return this.accounts.get(accountHex)?.top.nonceAccount;
  }
}

function highest(byNonce: Map<bigint, PendingEntry>): PendingEntry {
  let top: PendingEntry | undefined;
  for (const e of byNonce.values()) if (!top || e.nonce > top.nonce) top = e;
  return top!;
}
