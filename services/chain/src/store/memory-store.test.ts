/**
 * `MemoryChainStore` beyond the contract suite: a dump → `fromDump` round trip (through
 * `structuredClone`, as a snapshot or a snapshot file carries it) restarts the chain where it was,
 * and irreversible blocks are found by height.
 */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { DEV_BALANCE, createTestChain } from "../testing/harness.ts";
import { MemoryChainStore } from "./memory-store.ts";

describe("MemoryChainStore dump", () => {
  test("a chain restarted on fromDump(structuredClone(dump())) is where the original was, and goes on alike", async () => {
    const store = new MemoryChainStore();
    const t = await createTestChain({ store, chain: { irreversibleThreshold: 2 } });
    const ids = [];
    for (let i = 1n; i <= 5n; i++) ids.push((await t.produce([t.transfer(0, 1, 10n, i)])) && t.chain.head.id);
    const copy = MemoryChainStore.fromDump(structuredClone(store.dump()));
    expect(await copy.load()).toEqual(await store.load());
    for (let h = 1; h <= 3; h++) expect(toHex((await copy.blockIdAtHeight(BigInt(h)))!)).toBe(toHex(ids[h - 1]!));
    expect(await copy.blockIdAtHeight(4n)).toBeUndefined();

    const again = await createTestChain({ store: copy, chain: { irreversibleThreshold: 2 } });
    expect(toHex(again.chain.head.id)).toBe(toHex(t.chain.head.id));
    expect(again.chain.lib.height).toBe(3n);
    expect(again.balance(1)).toBe(DEV_BALANCE + 50n);
    await again.produce([again.transfer(0, 1, 10n, 6n)]);
    expect(again.balance(1)).toBe(DEV_BALANCE + 60n);
    expect(toHex((await copy.blockIdAtHeight(4n))!)).toBe(toHex(ids[3]!));
  });

  test("an empty store round-trips", async () => {
    const copy = MemoryChainStore.fromDump(structuredClone(new MemoryChainStore().dump()));
    expect(await copy.load()).toEqual({ meta: undefined, state: [], blocks: [] });
  });
});
