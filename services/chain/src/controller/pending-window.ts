/**
 * The pending window: transactions this chain accepted (their `koinos.transaction.accept` is
 * durably on the bus) that the mempool may not have taken yet. Between the publish and the
 * mempool's consumption a second submission from the same account must still see the first one's
 * nonce and rc reservation, or it would be answered on a stale view. An entry leaves the window
 * as soon as the mempool reports the transaction pending (from then on the mempool is the
 * authority), when a block includes it, when the mempool reports it failed, or when the delivery
 * audit ends it (controller/delivery-audit.ts: the audit republishes an entry the mempool has
 * neither taken nor failed, as the bus may lose what it acknowledged, and past its bound publishes
 * `koinos.transaction.fail` for it). It counts in the nonce/rc shadow for `graceMs` after its
 * last publish (the mempool's own refusal of a transaction is published as
 * `koinos.transaction.fail`). The window holds at most `maxEntries`: a full window refuses new
 * submissions (`isFull`) rather than forget a promised transaction.
 *
 * The window also bounds what the mempool is sent: submission refuses when the entries the
 * mempool has not reported taking would fill the free places of its pending set (`departed`
 * counts the entries that left, so one submission can tell which left while its question to the
 * mempool was on its way: the mempool's answer may not count those yet).
 */
import { toHex } from "@cairn/core";
import type { protocol } from "@cairn/proto";
import { decodeNonce, nonceAccount } from "@cairn/protocol";

export interface WindowEntry {
  id: Uint8Array;
  tx: protocol.Transaction;
  receipt: protocol.TransactionReceipt;
  /** Times the audit published it again. */
  republished: number;
  idHex: string;
  payerHex: string;
  accountHex: string;
  nonce: bigint;
  rcLimit: bigint;
  /** When it was last published, ms. */
  at: number;
  /** When it was first published (accepted), ms: the delivery audit's bound counts from here. */
  acceptedAt: number;
}

export class PendingWindow {
  private readonly byId = new Map<string, WindowEntry>();
  private departures = 0;

  constructor(
    private readonly graceMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  get capacity(): number {
    return this.maxEntries;
  }

  /** Entries that left the window so far (a counter that only grows). */
  get departed(): number {
    return this.departures;
  }

  /** True when a new transaction cannot be recorded (the submission is refused). */
  isFull(): boolean {
    return this.byId.size >= this.maxEntries;
  }

  /** Records an accepted transaction (the caller checked `isFull`). */
  add(tx: protocol.Transaction, receipt: protocol.TransactionReceipt): void {
    const h = tx.header!;
    const idHex = toHex(tx.id);
    const at = this.now();
    this.byId.set(idHex, { id: tx.id, tx, receipt, republished: 0, idHex, payerHex: toHex(h.payer), accountHex: toHex(nonceAccount(h)), nonce: decodeNonce(h.nonce), rcLimit: h.rc_limit, at, acceptedAt: at });
  }

  /** Entries last published more than `ms` ago (the audit's candidates), oldest first. */
  olderThan(ms: number): WindowEntry[] {
    const cutoff = this.now() - ms;
    const out: WindowEntry[] = [];
    for (const e of this.byId.values()) if (e.at < cutoff) out.push(e);
    return out;
  }

  /** The audit published `e` again: it counts in the shadow anew. */
  republished(e: WindowEntry): void {
    e.republished++;
    e.at = this.now();
  }

  has(idHex: string): boolean {
    return this.byId.has(idHex);
  }

  remove(id: Uint8Array): void {
    this.drop(toHex(id));
  }

  /** Drops what a block included. */
  removeIncluded(block: protocol.Block): void {
    if (this.byId.size === 0) return;
    for (const tx of block.transactions) this.drop(toHex(tx.id));
  }

  /** Entries of a payer or nonce account published within `graceMs` (older ones await the audit). */
  entriesOf(payer: Uint8Array, account: Uint8Array): WindowEntry[] {
    if (this.byId.size === 0) return [];
    const cutoff = this.now() - this.graceMs;
    const p = toHex(payer);
    const a = toHex(account);
    const out: WindowEntry[] = [];
    for (const e of this.byId.values()) {
      if (e.at < cutoff) continue;
      if (e.payerHex === p || e.accountHex === a) out.push(e);
    }
    return out;
  }

  /** Drops the entries the mempool answered for — it holds them, or they failed — (hex ids); returns how many were in the window. */
  confirm(idsHex: Iterable<string>): number {
    let n = 0;
    for (const id of idsHex) if (this.drop(id)) n++;
    return n;
  }

  private drop(idHex: string): boolean {
    if (!this.byId.delete(idHex)) return false;
    this.departures++;
    return true;
  }
}

/** What the window adds to the mempool's view of one payer / nonce account. */
export interface WindowView {
  /** rc_limits of the payer's transactions in the window. */
  reservedRc: bigint;
  /** Nonces of the account in the window. */
  nonces: Set<bigint>;
  /** Highest of them, or undefined. */
  topNonce: bigint | undefined;
  /** How many of the account's transactions are in the window. */
  count: number;
}

export function windowView(entries: readonly WindowEntry[], payer: Uint8Array, account: Uint8Array): WindowView {
  const p = toHex(payer);
  const a = toHex(account);
  const view: WindowView = { reservedRc: 0n, nonces: new Set(), topNonce: undefined, count: 0 };
  for (const e of entries) {
    if (e.payerHex === p) view.reservedRc += e.rcLimit;
    if (e.accountHex === a) {
      view.nonces.add(e.nonce);
      view.count++;
      if (view.topNonce === undefined || e.nonce > view.topNonce) view.topNonce = e.nonce;
    }
  }
  return view;
}
