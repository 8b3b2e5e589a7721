/**
 * Account history tables (schema `account_history`, chosen at run time through `search_path`).
 *
 * A record (a transaction with its receipt, or a block header with its receipt) is stored in one row
 * of `entries` for each address it impacts, numbered densely per address by `seq_num`. `blocks` is the chain of applied blocks (heights 1…head, one id per
 * height), `progress` the single row holding the applied head and the LIB. Every row carries the
 * height of its block, so a fork switch deletes everything above the common ancestor by height.
 */
import { index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { bytea, int64 } from "@cairn/db";

/** The applied chain: one block per height from 1 up to the applied head. */
export const blocks = pgTable("blocks", {
  height: int64("height").primaryKey(),
  id: bytea("id").notNull().unique(),
});

/**
 * History entries: address → (seq_num → record). seq_num is dense from 0 per address.
 *
 * Each entry carries its record (`kind`, `record`): a history page is one range of the primary key
 * (address, seq_num) and one heap row per entry. A record impacting three addresses (a KOIN
 * transfer) is stored three times; in exchange a page on a large store reads half the pages it did
 * when entries pointed into a records table (an index leaf and a heap page there per entry, each a
 * random read once the table outgrows memory). `position` is 0 for the block record, i + 1 for the
 * record of the block's transaction i. `entries_height_idx` serves the delete above a fork's common
 * ancestor. Nothing looks entries up by block id.
 */
export const entries = pgTable(
  "entries",
  {
    address: bytea("address").notNull(),
    seqNum: int64("seq_num").notNull(),
    blockId: bytea("block_id").notNull(),
    position: integer("position").notNull(),
    height: int64("height").notNull(),
    kind: text("kind", { enum: ["block", "trx"] }).notNull(),
    record: bytea("record").notNull(),
  },
  (t) => [primaryKey({ columns: [t.address, t.seqNum] }), index("entries_height_idx").on(t.height)],
);

/** The one progress row (`id` = 1): last applied block and the last irreversible height. */
export const progress = pgTable("progress", {
  id: integer("id").primaryKey(),
  headId: bytea("head_id").notNull(),
  headHeight: int64("head_height").notNull(),
  libHeight: int64("lib_height").notNull(),
});
