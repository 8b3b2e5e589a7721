/**
 * The plan of a history page on the Drizzle store (PGlite and Postgres when reachable): the page
 * taken first (LIMIT on the entries alone), then each of its entries' records is looked up by the
 * records key, once per entry. Joined in one plain join, Postgres read a small store's page with a
 * hash join over the whole records table: the statement now gives the same per-entry lookups at
 * every size. The answers themselves are the contract suite's.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { executeRows } from "@cairn/db";
import { openTestDatabase, testDatabaseUrls, type TestDatabase } from "@cairn/db/testing";
import { ZERO_ID } from "@cairn/protocol";
import type { BlockWithReceipt } from "@cairn/block-store/client";
import { createSourcedChain } from "../testing/index.ts";
import { DrizzleAccountHistoryStore } from "./drizzle-store.ts";
import { MIGRATIONS_FOLDER } from "./migrations.ts";

const TIMEOUT_MS = 60_000;
const BLOCKS = 40;

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Relation Name"?: string;
  "Actual Loops"?: number;
  "Actual Rows"?: number;
  Plans?: PlanNode[];
}

function nodes(n: PlanNode): PlanNode[] {
  return [n, ...(n.Plans ?? []).flatMap(nodes)];
}

for (const target of await testDatabaseUrls()) {
  describe(`account history page plan: ${target.name}`, () => {
    let db: TestDatabase | undefined;
    afterEach(async () => {
      await db?.dispose();
      db = undefined;
    });

    test("a page on a small, analyzed store: one records key lookup per entry of the page, no hash or merge join", async () => {
      db = await openTestDatabase(target.url, { migrationsFolder: MIGRATIONS_FOLDER });
      const store = new DrizzleAccountHistoryStore(db.db);
      const { t, source } = await createSourcedChain();
      for (let i = 0; i < BLOCKS; i++) await t.produce([t.transfer(0, 1, 10n, BigInt(i + 1))]);
      const blocks = (await source.blocksWithReceiptsByHeight(t.chain.head.id, 1n, BLOCKS)) as BlockWithReceipt[];
      expect((await store.apply({ expectedHead: { id: ZERO_ID, height: 0n }, blocks })).outcome).toBe("applied");
      await executeRows(db.db, sql`analyze`);
      const query = { address: t.dev.accounts[0]!.address, seqNum: 35n, limit: 30, ascending: false, irreversible: false };

      const explained = await executeRows<{ "QUERY PLAN": unknown }>(db.db, sql`explain (analyze, format json) ${store.historyStatement(query)}`);
      const raw = explained[0]!["QUERY PLAN"];
      const plan = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
      const all = nodes(plan[0]!.Plan);
      const types = all.map((n) => n["Node Type"]);
      expect(types).not.toContain("Hash Join");
      expect(types).not.toContain("Merge Join");
      expect(types[0]).toBe("Nested Loop");
      const recordScan = all.find((n) => n["Relation Name"] === "records")!;
      expect(recordScan["Index Name"]).toBe("records_height_position_pk");
      expect(recordScan["Actual Loops"]).toBe(30);

      const page = await store.history(query);
      expect(page.map((e) => e.seqNum)).toEqual(Array.from({ length: 30 }, (_, i) => 35n - BigInt(i)));
    }, TIMEOUT_MS);
  });
}
