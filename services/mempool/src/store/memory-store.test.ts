/** `MemoryMempoolStore` dump → `fromDump` round trip (through `structuredClone`, as a snapshot carries it). */
import { describe, expect, test } from "bun:test";
import { MemoryMempoolStore } from "./memory-store.ts";
import type { PendingRecord } from "./store.ts";

function record(i: number): PendingRecord {
  const id = new Uint8Array(34).fill(i);
  return {
    id,
    payer: new Uint8Array(25).fill(1),
    nonceAccount: new Uint8Array(25).fill(2),
    nonce: BigInt(i),
    rcUsed: 1000n + BigInt(i),
    resources: { diskStorageUsed: 1n, networkBandwidthUsed: 2n, computeBandwidthUsed: 3n, systemDiskStorageUsed: 4n, systemNetworkBandwidthUsed: 5n, systemComputeBandwidthUsed: 6n },
    transaction: new Uint8Array([10, i]),
    sequence: BigInt(i),
    receivedAt: 1_700_000_000_000 + i,
  };
}

describe("MemoryMempoolStore dump", () => {
  test("fromDump(structuredClone(dump())) loads what the original loads, and goes on alike", async () => {
    const store = new MemoryMempoolStore();
    await store.write({ upserts: [record(3), record(1), record(2)], deletes: [], progress: { id: new Uint8Array([7]), height: 4n } });
    await store.write({ upserts: [], deletes: [record(2).id] });
    const copy = MemoryMempoolStore.fromDump(structuredClone(store.dump()));
    expect(await copy.load()).toEqual(await store.load());
    expect((await copy.load()).pending.map((r) => r.sequence)).toEqual([1n, 3n]);
    for (const s of [store, copy]) await s.write({ upserts: [record(5)], deletes: [record(1).id], progress: { id: new Uint8Array([8]), height: 5n } });
    expect(await copy.load()).toEqual(await store.load());
  });

  test("an empty store round-trips", async () => {
    const copy = MemoryMempoolStore.fromDump(structuredClone(new MemoryMempoolStore().dump()));
    expect(await copy.load()).toEqual({ pending: [], progress: undefined });
  });
});
