/**
 * Sample drizzle schema used only by the database contract suite. Tables are declared with plain
 * `pgTable` (no `pgSchema`): the service's Postgres schema is chosen at run time through
 * `search_path`, so the same migration lands in whichever schema the handle was opened with.
 * Regenerate the SQL with `bunx drizzle-kit generate --config test-fixtures/drizzle.config.ts`
 * (from packages/db).
 */
import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, serial, text } from "drizzle-orm/pg-core";
import { bytea, int64, uint64 } from "../src/columns.ts";

/** An enum: drizzle-kit qualifies it with `"public".`, which the migration runner rewrites. */
export const itemKind = pgEnum("item_kind", ["plain", "special"]);

/** One row per item: byte, int64 and uint64 columns. */
export const items = pgTable(
  "items",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull().unique(),
    kind: itemKind("kind").notNull().default("plain"),
    payload: bytea("payload").notNull(),
    // `sql` defaults: drizzle-kit cannot serialise a bigint literal such as `0n`.
    amount: int64("amount").notNull().default(sql`0`),
    supply: uint64("supply").notNull().default(sql`0`),
    /** Added by the second migration, to check that later migrations apply on top. */
    memo: text("memo"),
  },
  (t) => [index("items_amount_idx").on(t.amount)],
);

/** A child table with a foreign key (drizzle-kit writes `REFERENCES "public"."items"`). */
export const itemNotes = pgTable("item_notes", {
  id: serial("id").primaryKey(),
  itemId: integer("item_id")
    .notNull()
    .references(() => items.id, { onDelete: "cascade" }),
  note: text("note").notNull(),
});
