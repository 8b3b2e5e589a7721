/**
 * Account history tables (schema `account_history`, chosen at run time through `search_path`).
 *
 * A record (a transaction with its receipt, or a block header with its receipt) is stored once in
 * `records`; each address it impacts gets one row in `entries` pointing at it, numbered densely
 * per address by `seq_num`. `blocks` is the chain of applied blocks (heights 1…head, one id per
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
 * Records: `position` 0 is the block record (BlockRecord bytes), `position` i + 1 the record of
 * the block's transaction i (TransactionRecord bytes). `kind` says which (`block` | `trx`). The
 * block's id is not repeated here: `blocks` has it for the height (migration 0004 dropped the
 * `block_id` column that nothing read).
 */
export const records = pgTable(
  "records",
  {
    position: integer("position").notNull(),
    height: int64("height").notNull(),
    kind: text("kind", { enum: ["block", "trx"] }).notNull(),
    record: bytea("record").notNull(),
  },
  // Keyed by height: the applied chain has one block per height, so (height, position) names a
  // record. A history page looks each entry's record up by it (12-byte keys in storing order, an
  // index a third the size of one on the 34-byte block id), and a fork revert deletes a key range.
  (t) => [primaryKey({ columns: [t.height, t.position] })],
);

/**
 * History entries: address → (seq_num → record). seq_num is dense from 0 per address.
 *
 * Indexes, each for a query of drizzle-store.ts: the primary key (address, seq_num) serves history
 * pages and the last seq_num of an address; it has INCLUDE (position, height) (migrations 0002 and
 * 0004), so a page reads the key alone (an index-only scan) before its records. `entries_height_idx`
 * serves the delete above a fork's common ancestor. An entry names its record by (height,
 * position) alone: the block id, 34 bytes of every entry and key tuple, is `blocks`' (migration
 * 0004 dropped it, and the key of 10,000,000 entries from 1.4 GB to under 1 GB).
 */
export const entries = pgTable(
  "entries",
  {
    address: bytea("address").notNull(),
    seqNum: int64("seq_num").notNull(),
    position: integer("position").notNull(),
    height: int64("height").notNull(),
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
