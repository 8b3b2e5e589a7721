import { expect, test } from "bun:test";
import { deserialize, serialize } from "bun:jsc";
import { MemoryMempoolStore, type MempoolStoreDump } from "./memory-store.ts";
import type { PendingRecord } from "./store.ts";

const record = (n: number): PendingRecord => ({
  id: new Uint8Array([n]),
  payer: new Uint8Array([1]),
  nonceAccount: new Uint8Array([1]),
  nonce: BigInt(n),
  rcUsed: 10n,
  resources: { diskStorageUsed: 1n, networkBandwidthUsed: 2n, computeBandwidthUsed: 3n, systemDiskStorageUsed: 0n, systemNetworkBandwidthUsed: 0n, systemComputeBandwidthUsed: 0n },
  transaction: new Uint8Array([n, n]),
  sequence: BigInt(n),
  receivedAt: 1000 + n,
});

test("a dump, through bytes, rebuilds the pending set and progress; later writes do not reach it", async () => {
  const store = new MemoryMempoolStore();
  await store.write({ upserts: [record(1), record(2), record(3)], deletes: [], progress: { id: new Uint8Array([9]), height: 4n } });
  await store.write({ upserts: [], deletes: [new Uint8Array([2])] });
  const bytes = serialize(store.dump());
  await store.write({ upserts: [record(4)], deletes: [new Uint8Array([1])] });
  const rebuilt = MemoryMempoolStore.fromDump(deserialize(bytes) as MempoolStoreDump);
  const loaded = await rebuilt.load();
  expect(loaded.pending).toEqual([record(1), record(3)]);
  expect(loaded.progress).toEqual({ id: new Uint8Array([9]), height: 4n });
});
