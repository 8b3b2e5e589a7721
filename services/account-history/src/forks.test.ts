/**
 * The indexer fed by a real chain's block events over the in-process bus: fork switches that
 * remove and add entries (and switch back), side blocks ignored, idempotent redelivery, gaps filled
 * from the block source. After each step the read model must equal one rebuilt from the head's
 * branch alone.
 */
import { describe, expect, test } from "bun:test";
import { cleanupAfterAll } from "@cairn/test-utils";
import { toHex } from "@cairn/core";
import { type EventBus, createMemoryEventBus } from "@cairn/bus";
import { openTestDatabase, type TestDatabase } from "@cairn/db/testing";
import { broadcast } from "@cairn/proto";
import { KOIN_ID } from "@cairn/chain/testing";
import { rebuildAccountHistory } from "./rebuild-history.ts";
import { DrizzleAccountHistoryStore } from "./store/drizzle-store.ts";
import { MIGRATIONS_FOLDER } from "./store/migrations.ts";
import { EventFeed, type SourcedChain, type TestUnit, createSourcedChain, dumpReadModel, parentOf, startTestUnit } from "./testing/index.ts";
import { waitUntil } from "@cairn/test-utils";

const cleanup = cleanupAfterAll();

async function setup(chainOpts: Parameters<typeof createSourcedChain>[0] = {}) {
  const c = await createSourcedChain(chainOpts);
  const db = await openTestDatabase("pglite://memory", { migrationsFolder: MIGRATIONS_FOLDER });
  const bus = createMemoryEventBus();
  await bus.start();
  const h = await startTestUnit({ db: db, bus, blocks: c.source, chain: c.reads });
  cleanup.push(async () => {
    await h.stop();
    await bus.close();
    await db.dispose();
  });
  return { ...c, db, bus, h, feed: new EventFeed(c.t, bus) };
}

/** The read model rebuilt from the chain head's branch alone (same LIB). */
async function reference(c: SourcedChain, lib: bigint) {
  const db = await openTestDatabase("pglite://memory", { migrationsFolder: MIGRATIONS_FOLDER });
  try {
    const store = new DrizzleAccountHistoryStore(db.db);
    await store.setLib(lib);
    await rebuildAccountHistory(store, c.source, { head: { id: c.t.chain.head.id, height: c.t.chain.head.height } });
    return await dumpReadModel(db.db);
  } finally {
    await db.dispose();
  }
}

async function seqs(h: TestUnit, address: Uint8Array): Promise<string[]> {
  const rows = await h.unit.store.history({ address, limit: 500, ascending: true, irreversible: false });
  return rows.map((r) => `${r.seqNum}:${r.kind}`);
}

async function expectMatchesHead(s: Awaited<ReturnType<typeof setup>>) {
  await s.h.waitForHead(s.t.chain.head);
  const p = await s.h.unit.store.progress();
  expect(await dumpReadModel(s.db.db)).toEqual(await reference(s, p.lib));
}

describe("fork-aware history", () => {
  test("a fork switch removes the old branch's entries and adds the new one's; switching back restores them", async () => {
    const s = await setup();
    const { t, h } = s;
    const acct = (i: number) => t.dev.accounts[i]!.address;
    const a1 = t.block([t.transfer(0, 1, 100n, 1n)]);
    const ra1 = (await t.chain.submitBlock(a1))!;
    const a2 = t.block([t.transfer(0, 2, 10n, 2n)]);
    await t.chain.submitBlock(a2);
    const a3 = t.block([t.transfer(0, 2, 10n, 3n)]);
    const ra3 = (await t.chain.submitBlock(a3))!;
    await s.feed.flush();
    await expectMatchesHead(s);
    expect(await seqs(h, acct(2))).toEqual(["0:trx", "1:trx"]);
    const before = await dumpReadModel(s.db.db);

    // Fork B from A1: two side blocks (head: false) change nothing...
    const b2 = t.block([t.transfer(0, 3, 7n, 2n)], { parent: parentOf(a1, ra1), timestamp: a1.header!.timestamp + 500n });
    const rb2 = (await t.chain.submitBlock(b2))!;
    const b3 = t.block([t.transfer(1, 3, 1n, 1n)], { parent: parentOf(b2, rb2) });
    const rb3 = (await t.chain.submitBlock(b3))!;
    await s.feed.flush();
    await waitUntil(async () => (await h.metric("cairn_account_history_events_total", { outcome: "ignored" })) === 2, 10_000, "two ignored side blocks");
    expect(await dumpReadModel(s.db.db)).toEqual(before);

    // ...until B4 makes the branch head: A2, A3 go, B2–B4 come.
    const b4 = t.block([], { parent: parentOf(b3, rb3) });
    await t.chain.submitBlock(b4);
    expect(toHex(t.chain.head.id)).toBe(toHex(b4.id));
    await s.feed.flush();
    await expectMatchesHead(s);
    expect(await seqs(h, acct(2))).toEqual([]);
    expect(await seqs(h, acct(3))).toEqual(["0:trx", "1:trx"]);
    expect(await seqs(h, acct(0))).toEqual(["0:trx", "1:trx"]);
    expect(await seqs(h, acct(1))).toEqual(["0:trx", "1:trx"]);
    expect(await seqs(h, KOIN_ID)).toEqual(["0:trx", "1:trx", "2:trx"]);
    expect(await seqs(h, t.dev.producerAddress)).toEqual(["0:block", "1:block", "2:block", "3:block"]);
    expect(await h.metric("cairn_account_history_fork_switches_total")).toBe(1);
    expect(await h.metric("cairn_account_history_blocks_reverted_total")).toBe(2);

    // A grows past B: back to A, whose entries come back with the same seq_nums.
    const a4 = t.block([], { parent: parentOf(a3, ra3) });
    const ra4 = (await t.chain.submitBlock(a4))!;
    await t.chain.submitBlock(t.block([t.transfer(2, 0, 1n, 1n)], { parent: parentOf(a4, ra4) }));
    expect(t.chain.head.height).toBe(5n);
    await s.feed.flush();
    await expectMatchesHead(s);
    expect(await seqs(h, acct(2))).toEqual(["0:trx", "1:trx", "2:trx"]);
    expect(await seqs(h, acct(3))).toEqual([]);
    expect(await h.metric("cairn_account_history_fork_switches_total")).toBe(2);
  });

  test("redelivered and stale events change nothing", async () => {
    const s = await setup();
    for (let i = 1n; i <= 4n; i++) await s.t.produce([s.t.transfer(0, 1, i, i)]);
    await s.feed.flush();
    await expectMatchesHead(s);
    const before = await dumpReadModel(s.db.db);
    // Every event again, through the bus.
    await new EventFeed(s.t, s.bus).flush();
    await waitUntil(async () => (await s.h.metric("cairn_account_history_events_total", { outcome: "duplicate" })) === 4, 10_000, "four duplicates");
    expect(await dumpReadModel(s.db.db)).toEqual(before);
    // And straight to the indexer: the head block, and an older one.
    const blocks = s.t.events.filter((e): e is Extract<typeof e, { kind: "block" }> => e.kind === "block");
    const accepted = (b: (typeof blocks)[number]) => broadcast.BlockAccepted.fromPartial({ block: b.block, receipt: b.receipt, head: true, live: true });
    expect(await s.h.unit.indexer.blockAccepted(accepted(blocks[3]!))).toBe("duplicate");
    expect(await s.h.unit.indexer.blockAccepted(accepted(blocks[1]!))).toBe("duplicate");
    expect(await dumpReadModel(s.db.db)).toEqual(before);
  });

  test("an event that does not extend the applied head fills the gap from the block source", async () => {
    const s = await setup();
    for (let i = 1n; i <= 3n; i++) await s.t.produce([s.t.transfer(0, 1, i, i)]);
    await s.feed.flush();
    await s.h.waitForHead(s.t.chain.head);
    for (let i = 4n; i <= 6n; i++) await s.t.produce([s.t.transfer(1, 2, i, i - 3n)]);
    expect(s.feed.skip()).toBe(3); // blocks 4–6 never reach the bus
    await s.t.produce([s.t.transfer(2, 3, 1n, 1n)]);
    const readsBefore = s.source.calls.blocksWithReceiptsByHeight;
    await s.feed.flush();
    await expectMatchesHead(s);
    expect(s.source.calls.blocksWithReceiptsByHeight).toBeGreaterThan(readsBefore);
    expect(await s.h.metric("cairn_account_history_blocks_applied_total", { source: "catch_up" })).toBe(4);
  });

  test("with the chain unreachable, a gap is filled up to the event's own block", async () => {
    const s = await setup();
    await s.t.produce([s.t.transfer(0, 1, 1n, 1n)]);
    await s.feed.flush();
    await s.h.waitForHead(s.t.chain.head);
    await s.t.produce([s.t.transfer(0, 1, 2n, 2n)]);
    s.feed.skip();
    await s.t.produce([s.t.transfer(0, 1, 3n, 3n)]);
    s.reads.failWith = new Error("chain down");
    await s.feed.flush();
    await expectMatchesHead(s);
  });
});
