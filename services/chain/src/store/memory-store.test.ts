import { expect, test } from "bun:test";
import { serialize, deserialize } from "bun:jsc";
import { toHex } from "@cairn/core";
import { DEV_BALANCE, createTestChain } from "../testing/harness.ts";
import { type ChainStoreDump, MemoryChainStore } from "./memory-store.ts";

test("a dump, through bytes, rebuilds a store the chain restarts on where it was", async () => {
  const store = new MemoryChainStore();
  const t = await createTestChain({ store, chain: { irreversibleThreshold: 3 } });
  for (let i = 1n; i <= 6n; i++) await t.produce([t.transfer(0, 1, 10n, i)]);
  const bytes = serialize(store.dump());
  // Later commits do not reach a dump taken before them.
  await t.produce([t.transfer(0, 1, 10n, 7n)]);
  const rebuilt = MemoryChainStore.fromDump(deserialize(bytes) as ChainStoreDump);
  const again = await createTestChain({ store: rebuilt, chain: { irreversibleThreshold: 3 } });
  expect(again.chain.head.height).toBe(6n);
  expect(again.chain.lib.height).toBe(3n);
  expect(again.balance(1)).toBe(DEV_BALANCE + 60n);
  expect(toHex((await rebuilt.blockIdAtHeight(2n))!)).toBe(toHex((await store.blockIdAtHeight(2n))!));
  // The rebuilt store goes on: the same next block applies on it.
  await again.produce([t.transfer(0, 1, 10n, 7n)]);
  expect(again.balance(1)).toBe(DEV_BALANCE + 70n);
  expect(() => MemoryChainStore.fromDump({ version: 2 } as unknown as ChainStoreDump)).toThrow("chain store dump version 2");
});
