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

  test("a first-version dump (the irreversible ids as an array) is still read, holes included, and holes survive the packed form", async () => {
    const store = new MemoryChainStore();
    const t = await createTestChain({ store, chain: { irreversibleThreshold: 1 } });
    const ids = [];
    for (let i = 1n; i <= 4n; i++) ids.push((await t.produce([t.transfer(0, 1, 10n, i)])) && t.chain.head.id);
    const { irreversibleIds: _ids, irreversibleLengths: _lengths, ...rest } = store.dump();
    const v1 = { ...rest, version: 1 as const, irreversible: [undefined, ids[1], ids[2]] };
    const copy = MemoryChainStore.fromDump(structuredClone(v1));
    const packed = MemoryChainStore.fromDump(structuredClone(copy.dump()));
    for (const s of [copy, packed]) {
      expect(await s.load()).toEqual(await store.load());
      expect(await s.blockIdAtHeight(1n)).toBeUndefined();
      for (let h = 2; h <= 3; h++) expect(toHex((await s.blockIdAtHeight(BigInt(h)))!)).toBe(toHex(ids[h - 1]!));
      expect(await s.blockIdAtHeight(4n)).toBeUndefined();
    }
  });

  test("an empty store round-trips", async () => {
    const copy = MemoryChainStore.fromDump(structuredClone(new MemoryChainStore().dump()));
    expect(await copy.load()).toEqual({ meta: undefined, state: [], blocks: [] });
  });
});
