/**
 * Ids of transactions the blocks applied on the current branch included, newest kept (bounded).
 * With several events in flight a `koinos.transaction.accept` whose commit failed can be
 * redelivered after the block that includes it was applied; the id found here makes it a
 * duplicate instead of a stale pending transaction. Forgotten on a fork switch (the branch changed).
 *
 * Kept as bytes in a `RecentBytes` ring (34 bytes an id, no string or set entry each): the set
 * is full (100,000 ids) on any node that has taken that many transactions.
 */
import { RecentBytes, fromHex } from "@cairn/core";

/** Room per id: transaction ids are 34 bytes (a sha2-256 multihash); a longer one is not remembered. */
const ID_BYTES = 40;

export class RecentIds {
  private readonly ids: RecentBytes;

  constructor(max: number) {
    this.ids = new RecentBytes(max, ID_BYTES);
  }

  has(idHex: string): boolean {
    const id = fromHex(idHex);
    return id.length <= ID_BYTES && this.ids.has(id);
  }

  add(idHex: string): void {
    const id = fromHex(idHex);
    if (id.length <= ID_BYTES) this.ids.add(id);
  }

  clear(): void {
    this.ids.clear();
  }
}
