/**
 * The pending window: transactions this chain accepted (their `koinos.transaction.accept` is
 * durably on the bus) that the mempool may not have taken yet. Between the publish and the
 * mempool's consumption a second submission from the same account must still see the first one's
 * nonce and rc reservation, or it would be answered on a stale view. An entry leaves the window
 * as soon as the mempool reports the transaction pending (from then on the mempool is the
 * authority), when a block includes it, or after `graceMs` (the mempool is down or behind; its
 * own refusal of a transaction is published as `koinos.transaction.fail`). The window is bounded.
 */
import { toHex } from "@cairn/core";
import type { protocol } from "@cairn/proto";
import { decodeNonce, nonceAccount } from "@cairn/protocol";

interface WindowEntry {
  id: Uint8Array;
  idHex: string;
  payerHex: string;
  accountHex: string;
  nonce: bigint;
  rcLimit: bigint;
  at: number;
}

export class PendingWindow {
  private readonly byId = new Map<string, WindowEntry>();

  constructor(
    private readonly graceMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  /** Records an accepted transaction. */
  add(tx: protocol.Transaction): void {
    const h = tx.header!;
    const idHex = toHex(tx.id);
    if (this.byId.size >= this.maxEntries) this.byId.delete(this.byId.keys().next().value!);
    this.byId.set(idHex, { id: tx.id, idHex, payerHex: toHex(h.payer), accountHex: toHex(nonceAccount(h)), nonce: decodeNonce(h.nonce), rcLimit: h.rc_limit, at: this.now() });
  }

  remove(id: Uint8Array): void {
    this.byId.delete(toHex(id));
  }

  /** Drops what a block included. */
  removeIncluded(block: protocol.Block): void {
    if (this.byId.size === 0) return;
    for (const tx of block.transactions) this.byId.delete(toHex(tx.id));
  }

  /** Entries of a payer or nonce account still in the window (expired ones are dropped). */
  entriesOf(payer: Uint8Array, account: Uint8Array): WindowEntry[] {
    if (this.byId.size === 0) return [];
    const cutoff = this.now() - this.graceMs;
    const p = toHex(payer);
    const a = toHex(account);
    const out: WindowEntry[] = [];
    for (const e of this.byId.values()) {
      if (e.at < cutoff) {
        this.byId.delete(e.idHex);
        continue;
      }
      if (e.payerHex === p || e.accountHex === a) out.push(e);
    }
    return out;
  }

  /** Drops the entries the mempool now holds (hex ids). */
  confirm(idsHex: Iterable<string>): void {
    for (const id of idsHex) this.byId.delete(id);
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
