/** The chain's tables (schema `chain`): head state, block records, metadata. */
import { boolean, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { bytea, int64 } from "@cairn/db";

/** The head state: every object, by (system, zone, space id, key). */
export const stateObjects = pgTable(
  "state_objects",
  {
    system: boolean("system").notNull(),
    zone: bytea("zone").notNull(),
    spaceId: integer("space_id").notNull(),
    key: bytea("key").notNull(),
    value: bytea("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.system, t.zone, t.spaceId, t.key] })],
);

/**
 * Applied blocks. Reversible ones (above the LIB, every fork) keep the block, its receipt and
 * the state changes/undo relative to their parent; once irreversible only the main chain's
 * topology and state root remain (side forks below the LIB are deleted).
 */
export const blocks = pgTable(
  "blocks",
  {
    id: bytea("id").primaryKey(),
    height: int64("height").notNull(),
    previous: bytea("previous").notNull(),
    timestamp: int64("timestamp").notNull(),
    stateRoot: bytea("state_root").notNull(),
    reversible: boolean("reversible").notNull(),
    block: bytea("block"),
    receipt: bytea("receipt"),
    changes: bytea("changes"),
    undo: bytea("undo"),
  },
  (t) => [index("blocks_height_idx").on(t.height)],
);

/** Chain metadata: chain id, genesis state root, head and LIB ids. */
export const chainMeta = pgTable("chain_meta", {
  key: text("key").primaryKey(),
  value: bytea("value").notNull(),
});
