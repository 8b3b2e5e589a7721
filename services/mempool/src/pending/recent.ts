/**
 * Ids of transactions the blocks applied on the current branch included, newest kept (bounded).
 * With several events in flight a `koinos.transaction.accept` whose commit failed can be
 * redelivered after the block that includes it was applied; the id found here makes it a
 * duplicate instead of a stale pending transaction. Forgotten on a fork switch (the branch changed).
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly max: number) {}

  has(idHex: string): boolean {
    return this.ids.has(idHex);
  }

  add(idHex: string): void {
    if (this.ids.has(idHex)) return;
    if (this.ids.size >= this.max) this.ids.delete(this.ids.values().next().value!);
    this.ids.add(idHex);
  }

  clear(): void {
    this.ids.clear();
  }
}
