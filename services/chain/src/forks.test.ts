/** Fork choice, fork switches several blocks deep, LIB, pruning, restart and failed commits. */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import type { protocol } from "@cairn/proto";
import { encodeNonce } from "@cairn/protocol";
import { ChainError } from "./execution/errors.ts";
import { MemoryChainStore } from "./store/memory-store.ts";
import { DEV_BALANCE, createTestChain } from "./testing/harness.ts";

const parentOf = (b: protocol.Block, root: Uint8Array) => ({ id: b.id, height: b.header!.height, timestamp: b.header!.timestamp, stateRoot: root });

describe("forks", () => {
  test("fifo: a longer fork three blocks deep takes over; state and events follow", async () => {
    const t = await createTestChain();
    const a1 = t.block([t.transfer(0, 1, 100n, 1n)]);
    const ra1 = (await t.chain.submitBlock(a1))!;
    const a2 = t.block([t.transfer(0, 2, 10n, 2n)]);
    await t.chain.submitBlock(a2);
    const a3 = t.block([t.transfer(0, 2, 10n, 3n)]);
    await t.chain.submitBlock(a3);
    expect(t.balance(2)).toBe(DEV_BALANCE + 20n);

    // Fork B from A1: different transfers, one block longer.
    const b2 = t.block([t.transfer(0, 3, 7n, 2n)], { parent: parentOf(a1, ra1.state_merkle_root), timestamp: a1.header!.timestamp + 500n });
    const rb2 = (await t.chain.submitBlock(b2))!;
    expect(toHex(t.chain.head.id)).toBe(toHex(a3.id)); // not better yet
    expect(t.balance(3)).toBe(DEV_BALANCE); // head state untouched by the side fork
    const b3 = t.block([t.transfer(1, 3, 1n, 1n)], { parent: parentOf(b2, rb2.state_merkle_root) });
    const rb3 = (await t.chain.submitBlock(b3))!;
    expect(toHex(t.chain.head.id)).toBe(toHex(a3.id)); // equal height: first seen stays (fifo)
    const b4 = t.block([], { parent: parentOf(b3, rb3.state_merkle_root) });
    await t.chain.submitBlock(b4);

    expect(toHex(t.chain.head.id)).toBe(toHex(b4.id));
    expect(t.balance(2)).toBe(DEV_BALANCE); // A2/A3 undone
    expect(t.balance(3)).toBe(DEV_BALANCE + 8n); // B2/B3 applied
    expect(t.balance(1)).toBe(DEV_BALANCE + 100n - 1n);
    expect(t.chain.accountNonce(t.dev.accounts[0]!.address)).toEqual(encodeNonce(2n));
    expect(toHex(t.chain.head.stateRoot)).not.toBe(toHex(ra1.state_merkle_root));

    const blocks = t.events.filter((e) => e.kind === "block");
    expect(blocks.map((e) => (e.kind === "block" ? e.head : null))).toEqual([true, true, true, false, false, true]);
    const last = blocks.at(-1)!;
    if (last.kind !== "block") throw new Error();
    expect(last.forkHeads.heads.map((h) => toHex(h.id))).toEqual([toHex(b4.id), toHex(a3.id)]);
    expect(t.chain.forkHeads().heads).toHaveLength(2);
  });

  test("switching back re-applies the first fork exactly", async () => {
    const t = await createTestChain();
    const a1 = t.block([t.transfer(0, 1, 100n, 1n)]);
    const ra1 = (await t.chain.submitBlock(a1))!;
    const a2 = t.block([t.transfer(0, 2, 10n, 2n)]);
    const ra2 = (await t.chain.submitBlock(a2))!;
    const b2 = t.block([t.transfer(0, 3, 7n, 2n)], { parent: parentOf(a1, ra1.state_merkle_root), timestamp: a1.header!.timestamp + 500n });
    const rb2 = (await t.chain.submitBlock(b2))!;
    await t.chain.submitBlock(t.block([], { parent: parentOf(b2, rb2.state_merkle_root) }));
    expect(t.balance(3)).toBe(DEV_BALANCE + 7n);
    const a3 = t.block([], { parent: parentOf(a2, ra2.state_merkle_root) });
    const ra3 = (await t.chain.submitBlock(a3))!;
    await t.chain.submitBlock(t.block([], { parent: parentOf(a3, ra3.state_merkle_root) }));
    expect(t.chain.head.height).toBe(4n);
    expect(t.balance(3)).toBe(DEV_BALANCE);
    expect(t.balance(2)).toBe(DEV_BALANCE + 10n);
  });

  test("block-time: at equal height the earlier block wins", async () => {
    const t = await createTestChain({ chain: { forkChoice: "block-time" } });
    const a1 = t.block([], { timestamp: 1_700_000_002_000n });
    await t.chain.submitBlock(a1);
    const b1 = t.block([t.transfer(0, 1, 3n, 1n)], { parent: { id: t.chain.lib.id, height: 0n, timestamp: 0n, stateRoot: t.chain.lib.stateRoot }, timestamp: 1_700_000_001_000n });
    await t.chain.submitBlock(b1);
    expect(toHex(t.chain.head.id)).toBe(toHex(b1.id));
    expect(t.balance(1)).toBe(DEV_BALANCE + 3n);
  });

  test("LIB = head − threshold; side forks below it are pruned; blocks at or below it are rejected", async () => {
    const t = await createTestChain({ chain: { irreversibleThreshold: 2 } });
    const a1 = t.block([]);
    const ra1 = (await t.chain.submitBlock(a1))!;
    const side = t.block([t.transfer(0, 1, 1n, 1n)], { parent: parentOf(a1, ra1.state_merkle_root), timestamp: a1.header!.timestamp + 10n });
    await t.produce();
    await t.chain.submitBlock(side); // height 2 side block
    await t.produce();
    expect(t.chain.lib.height).toBe(1n);
    await t.produce();
    expect(t.chain.lib.height).toBe(2n);
    expect(t.chain.forkHeads().heads).toHaveLength(1); // side fork pruned
    const irreversible = t.events.filter((e) => e.kind === "block" && e.libHeight !== undefined).map((e) => (e.kind === "block" ? e.libHeight : 0n));
    expect(irreversible).toEqual([1n, 2n]);
    const e = await t.chain.submitBlock(t.block([], { parent: parentOf(a1, ra1.state_merkle_root), timestamp: a1.header!.timestamp + 20n })).catch((x) => x);
    expect(e).toBeInstanceOf(ChainError);
    expect((e as ChainError).chainCode).toBe(-1015);
    expect(await t.chain.submitBlock(a1)).toBeUndefined(); // an irreversible block we have is a no-op
  });

  test("restart resumes at the same head with the same state, no replay", async () => {
    const store = new MemoryChainStore();
    const t = await createTestChain({ store, chain: { irreversibleThreshold: 2 } });
    for (let i = 1n; i <= 5n; i++) await t.produce([t.transfer(0, 1, 10n, i)]);
    const head = toHex(t.chain.head.id);
    const root = toHex(t.chain.head.stateRoot);
    const commits = store.commits;
    const again = await createTestChain({ store, chain: { irreversibleThreshold: 2 } });
    expect(toHex(again.chain.head.id)).toBe(head);
    expect(toHex(again.chain.head.stateRoot)).toBe(root);
    expect(again.chain.lib.height).toBe(3n);
    expect(again.balance(1)).toBe(DEV_BALANCE + 50n);
    expect(store.commits).toBe(commits);
    await again.produce([again.transfer(0, 1, 10n, 6n)]);
    expect(again.balance(1)).toBe(DEV_BALANCE + 60n);
  });

  test("a failed commit leaves memory as the record has it", async () => {
    const store = new MemoryChainStore();
    const t = await createTestChain({ store });
    await t.produce([t.transfer(0, 1, 10n, 1n)]);
    store.failNextCommit = new Error("disk full");
    await expect(t.produce([t.transfer(0, 1, 10n, 2n)])).rejects.toThrow("disk full");
    expect(t.chain.head.height).toBe(1n);
    expect(t.balance(1)).toBe(DEV_BALANCE + 10n);
    await t.produce([t.transfer(0, 1, 10n, 2n)]);
    expect(t.balance(1)).toBe(DEV_BALANCE + 20n);
  });
});
