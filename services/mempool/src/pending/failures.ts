/**
 * Transactions that ended without a block — refused, expired, dropped behind a failed one, or
 * reported failed by the chain (`koinos.transaction.fail`) — with the reason, for
 * `mempool.get_failed_transactions`. Bounded: the oldest are forgotten first. Kept in memory (a
 * restart forgets them; the events stay on the bus).
 */
import { toHex } from "@cairn/core";

export class FailureLog {
  private readonly byId = new Map<string, { id: Uint8Array; reason: string }>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.byId.size;
  }

  /** Records a failure (a later one of the same id replaces it; an empty reason keeps an earlier text). */
  record(id: Uint8Array, reason: string): void {
    const key = toHex(id);
    const prior = this.byId.get(key);
    this.byId.delete(key);
    if (this.byId.size >= this.max) this.byId.delete(this.byId.keys().next().value!);
    this.byId.set(key, { id, reason: reason || prior?.reason || "failed" });
  }

  /** The failures among `ids`, in request order; unknown ids are skipped. */
  lookup(ids: readonly Uint8Array[]): { id: Uint8Array; reason: string }[] {
    const out: { id: Uint8Array; reason: string }[] = [];
    for (const id of ids) {
      const f = this.byId.get(toHex(id));
      if (f) out.push(f);
    }
    return out;
  }

  /** Forgets an id (it was accepted again). */
  forget(id: Uint8Array): void {
    this.byId.delete(toHex(id));
  }
}
