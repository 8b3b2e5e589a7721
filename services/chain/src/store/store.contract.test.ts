/**
 * One ChainStore contract suite, run against the in-memory twin, PGlite and (when reachable, and
 * always under CI=true) Postgres: everything the chain needs to restart where it was.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { openTestDatabase, testDatabaseUrls, type TestDatabase } from "@cairn/db/testing";
import { DEV_BALANCE, createTestChain } from "../testing/harness.ts";
import { DrizzleChainStore } from "./drizzle-store.ts";
import { MemoryChainStore } from "./memory-store.ts";
import { MIGRATIONS_FOLDER } from "./migrations.ts";
import type { ChainStore } from "./store.ts";

const opened: TestDatabase[] = [];
afterAll(async () => {
  for (const db of opened) await db.dispose();
});

const targets: { name: string; make: () => Promise<ChainStore> }[] = [{ name: "memory", make: async () => new MemoryChainStore() }];
for (const t of await testDatabaseUrls()) {
  targets.push({
    name: t.name,
    make: async () => {
      const db = await openTestDatabase(t.url, { migrationsFolder: MIGRATIONS_FOLDER });
      opened.push(db);
      return new DrizzleChainStore(db.db);
    },
  });
}

const parentOf = (b: { id: Uint8Array; header?: { height: bigint; timestamp: bigint } }, root: Uint8Array) => ({ id: b.id, height: b.header!.height, timestamp: b.header!.timestamp, stateRoot: root });

for (const target of targets) {
  describe(`ChainStore contract: ${target.name}`, () => {
    test("genesis, blocks, a side fork, LIB, then a restart finds everything", async () => {
      const store = await target.make();
      const t = await createTestChain({ store, chain: { irreversibleThreshold: 3 } });
      for (let i = 1n; i <= 6n; i++) await t.produce([t.transfer(0, 1, 10n, i)]);
      expect(t.chain.head.height).toBe(6n);
      expect(t.chain.lib.height).toBe(3n);
      // A side fork from height 5 (above the LIB).
      const h5 = t.chain.headInfo().head;
      const parent5 = [...(await store.load()).blocks].find((b) => b.height === 5n)!;
      const side = t.block([t.transfer(2, 3, 1n, 1n)], { parent: parentOf({ id: parent5.id, header: { height: 5n, timestamp: parent5.timestamp } }, parent5.stateRoot), timestamp: parent5.timestamp + 1n });
      await t.chain.submitBlock(side);
      expect(toHex(t.chain.head.id)).toBe(toHex(h5.id));

      const again = await createTestChain({ store, chain: { irreversibleThreshold: 3 } });
      expect(toHex(again.chain.head.id)).toBe(toHex(t.chain.head.id));
      expect(toHex(again.chain.head.stateRoot)).toBe(toHex(t.chain.head.stateRoot));
      expect(again.chain.lib.height).toBe(3n);
      expect(again.balance(1)).toBe(DEV_BALANCE + 60n);
      expect(again.chain.forkHeads().heads.map((h) => h.height)).toEqual([6n, 6n]);
      // The side fork is still switchable after the restart.
      expect(again.chain.forkHeads().heads.some((h) => toHex(h.id) === toHex(side.id))).toBe(true);
      const rows = (await store.load()).blocks;
      const sideNode = rows.find((b) => toHex(b.id) === toHex(side.id))!;
      const s7 = again.block([], { parent: { id: side.id, height: 6n, timestamp: side.header!.timestamp, stateRoot: sideNode.stateRoot } });
      await again.chain.submitBlock(s7);
      expect(toHex(again.chain.head.id)).toBe(toHex(s7.id));
      expect(again.balance(3)).toBe(DEV_BALANCE + 1n);
      expect(again.balance(1)).toBe(DEV_BALANCE + 50n);
      // And that too survives a restart.
      const third = await createTestChain({ store, chain: { irreversibleThreshold: 3 } });
      expect(toHex(third.chain.head.id)).toBe(toHex(s7.id));
      expect(third.balance(3)).toBe(DEV_BALANCE + 1n);
      expect(third.balance(1)).toBe(DEV_BALANCE + 50n);
      expect(third.chain.lib.height).toBe(4n);
    });

    test("irreversible blocks are found by height; reset empties the store", async () => {
      const store = await target.make();
      const t = await createTestChain({ store, chain: { irreversibleThreshold: 1 } });
      const ids = [];
      for (let i = 0; i < 3; i++) {
        const b = t.block([]);
        await t.chain.submitBlock(b);
        ids.push(b.id);
      }
      expect(toHex((await store.blockIdAtHeight(1n))!)).toBe(toHex(ids[0]!));
      expect(toHex((await store.blockIdAtHeight(2n))!)).toBe(toHex(ids[1]!));
      expect(await store.blockIdAtHeight(3n)).toBeUndefined();
      await store.reset();
      expect((await store.load()).meta).toBeUndefined();
    });

    test("a block with thousands of state changes commits in one go", async () => {
      const store = await target.make();
      const t = await createTestChain({ store });
      const txs = [];
      for (let i = 1n; i <= 600n; i++) txs.push(t.transfer(Number(i % 2n), Number(2n + (i % 2n)), 1n, (i + 1n) / 2n));
      const receipt = await t.produce(txs);
      expect(receipt.transaction_receipts).toHaveLength(600);
      const again = await createTestChain({ store });
      expect(again.balance(2)).toBe(DEV_BALANCE + 300n);
      expect(toHex(again.chain.head.stateRoot)).toBe(toHex(t.chain.head.stateRoot));
    });
  });
}
