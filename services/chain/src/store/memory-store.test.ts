/**
 * `MemoryChainStore` beyond the contract suite: a dump → `fromDump` round trip (through
 * `structuredClone`, as a snapshot or a snapshot file carries it) restarts the chain where it was,
 * and irreversible blocks are found by height; a dump written before changes were kept encoded
 * (a snapshot file of an earlier version) still loads.
 */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import type { protocol } from "@cairn/proto";
import { DEV_BALANCE, createTestChain } from "../testing/harness.ts";
import { decodeChanges } from "../state/state.ts";
import { type ChainStoreDump, MemoryChainStore } from "./memory-store.ts";

const parentOf = (b: protocol.Block, root: Uint8Array) => ({ id: b.id, height: b.header!.height, timestamp: b.header!.timestamp, stateRoot: root });

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

  test("a dump holding changes as lists (before they were encoded) loads, and the chain switches forks over it", async () => {
    const store = new MemoryChainStore();
    const t = await createTestChain({ store, chain: { irreversibleThreshold: 10 } });
    const a1 = t.block([t.transfer(0, 1, 100n, 1n)]);
    const ra1 = (await t.chain.submitBlock(a1))!;
    await t.chain.submitBlock(t.block([t.transfer(0, 2, 10n, 2n)]));
    const dump = store.dump();
    expect(dump.reversible.some((n) => n.changes.length > 0 && n.undo.length > 0)).toBe(true);
    // The earlier layout: every entry's changes and undo as lists of { space, key, value }.
    const lists = (n: ChainStoreDump["reversible"][number]) => ({ ...n, changes: decodeChanges(n.changes), undo: decodeChanges(n.undo) });
    const old = { ...dump, reversible: dump.reversible.map(lists) } as unknown as ChainStoreDump;
    const copy = MemoryChainStore.fromDump(structuredClone(old));
    expect(await copy.load()).toEqual(await store.load());

    // A longer fork from A1 takes over: the loaded undo of A2 takes its transfer back.
    const again = await createTestChain({ store: copy, chain: { irreversibleThreshold: 10 } });
    expect(again.balance(2)).toBe(DEV_BALANCE + 10n);
    const b2 = again.block([again.transfer(0, 3, 7n, 2n)], { parent: parentOf(a1, ra1.state_merkle_root), timestamp: a1.header!.timestamp + 500n });
    const rb2 = (await again.chain.submitBlock(b2))!;
    await again.chain.submitBlock(again.block([], { parent: parentOf(b2, rb2.state_merkle_root) }));
    expect(toHex(again.chain.head.stateRoot)).not.toBe(toHex(t.chain.head.stateRoot));
    expect(again.balance(2)).toBe(DEV_BALANCE);
    expect(again.balance(3)).toBe(DEV_BALANCE + 7n);
    expect(again.balance(1)).toBe(DEV_BALANCE + 100n);
  });

  test("an empty store round-trips", async () => {
    const copy = MemoryChainStore.fromDump(structuredClone(new MemoryChainStore().dump()));
    expect(await copy.load()).toEqual({ meta: undefined, state: [], blocks: [] });
  });
});
