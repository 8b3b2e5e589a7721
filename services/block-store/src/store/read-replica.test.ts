/**
 * The block store on a real streaming replica (started here: initdb + pg_basebackup on loopback).
 * Lookups are answered by the replica; blocks it has not replayed yet come from the primary, so a
 * block is readable as soon as it is stored. Runs under CI=true always.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { silentLogger, toHex } from "@cairn/core";
import { type DatabaseHandle, openDatabase } from "@cairn/db";
import { type StreamingReplica, startStreamingReplica, streamingReplicaAvailable } from "@cairn/db/testing";
import { MIGRATIONS_FOLDER, SCHEMA_NAME } from "./migrations.ts";
import { makeChain, makeReceipt, makeTransaction } from "../testing/fixtures.ts";
import { DrizzleBlockStore } from "./drizzle-store.ts";
import type { Topology } from "./store.ts";

const available = streamingReplicaAvailable();
let pair: StreamingReplica;
let handle: DatabaseHandle;

beforeAll(async () => {
  if (!available) return;
  pair = await startStreamingReplica();
  handle = await openDatabase(pair.primaryUrl, { logger: silentLogger(), schemaName: SCHEMA_NAME, migrationsFolder: MIGRATIONS_FOLDER, readUrl: pair.replicaUrl });
}, 120_000);

afterAll(async () => {
  await handle?.close();
  await pair?.stop();
}, 60_000);

const ids = (records: readonly ({ id: Uint8Array } | undefined)[]) => records.map((r) => (r === undefined ? undefined : toHex(r.id)));

describe.skipIf(!available)("block store reading from a streaming replica", () => {
  const tx = (i: number) => [makeTransaction("replica reader", BigInt(i + 1))];
  const older = makeChain(undefined, 3, 0n, tx);
  const newer = makeChain(older[2], 3, 0n, (i) => tx(i + 3));
  const head = newer[2]!;
  const headTopology: Topology = { id: head.id, height: 6n, previous: head.header!.previous };
  const options = { block: true, receipt: true };

  test("replicated blocks are read from the replica: the primary is not needed for them", async () => {
    const writer = new DrizzleBlockStore(handle.db, { readDb: handle.readDb });
    for (const b of older) await writer.storeBlock(b, makeReceipt(b));
    await pair.waitForReplay();
    // A store whose primary connection is closed can still answer from the replica.
    const primaryGone = await openDatabase(pair.primaryUrl, { logger: silentLogger(), schemaName: SCHEMA_NAME });
    await primaryGone.close();
    const reader = new DrizzleBlockStore(primaryGone.db, { readDb: handle.readDb, topologyCacheSize: 0 });
    expect(ids(await reader.getBlocksById(older.map((b) => b.id), options))).toEqual(ids(older));
    expect(ids(await reader.getAncestors({ id: older[2]!.id, height: 3n, previous: older[2]!.header!.previous }, 1n, 3n, options))).toEqual(ids(older));
    expect((await reader.getTransactionsById([older[1]!.transactions[0]!.id])).map((r) => r.containingBlocks.map((id) => toHex(id)))).toEqual([[toHex(older[1]!.id)]]);
    expect(await reader.getTopology(older[0]!.id)).toMatchObject({ height: 1n });
  }, 60_000);

  test("blocks the replica has not replayed yet are read from the primary", async () => {
    await pair.pauseReplay();
    try {
      const writer = new DrizzleBlockStore(handle.db, { readDb: handle.readDb });
      for (const b of newer) await writer.storeBlock(b, makeReceipt(b));
      // A second instance without a warm cache: everything new must come from the primary.
      const reader = new DrizzleBlockStore(handle.db, { readDb: handle.readDb, topologyCacheSize: 0 });
      const onReplicaOnly = new DrizzleBlockStore(handle.readDb, { topologyCacheSize: 0 });
      expect(ids(await onReplicaOnly.getBlocksById([head.id], options))).toEqual([undefined]);

      const all = [...older, ...newer];
      const byId = await reader.getBlocksById(all.map((b) => b.id), options);
      expect(ids(byId)).toEqual(ids(all));
      expect(byId.every((r) => r?.block !== undefined && r.receipt !== undefined)).toBe(true);
      expect(await reader.getTopology(head.id)).toMatchObject({ height: 6n });
      const walked = await reader.getAncestors(headTopology, 2n, 6n, options);
      expect(ids(walked)).toEqual(ids(all.slice(1)));
      expect(walked.every((r) => r.block !== undefined)).toBe(true);
      const found = await reader.getTransactionsById([head.transactions[0]!.id, older[0]!.transactions[0]!.id]);
      expect(found.map((r) => r.containingBlocks.map((id) => toHex(id)))).toEqual([[toHex(head.id)], [toHex(older[0]!.id)]]);
    } finally {
      await pair.resumeReplay();
    }
  }, 60_000);
});
