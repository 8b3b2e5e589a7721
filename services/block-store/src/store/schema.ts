/**
 * The block store's tables. They live in the Postgres schema the database handle was opened with
 * (`block_store` in production, a random one in tests): tables are declared without `pgSchema`
 * and resolve through `search_path`. Everything here is a read model of `koinos.block.accept`
 * (architecture §5): it can be dropped and rebuilt by replaying the blocks.
 *
 * Regenerate the migrations after a change with `bunx drizzle-kit generate` (from
 * services/block-store); never edit the generated files under drizzle/. SQL of our own (a data
 * fill) goes in a file made with `drizzle-kit generate --custom`.
 */
import { bigserial, boolean, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { bytea, int64 } from "@cairn/db";

/**
 * Every stored block, on any fork, by id. `previous` and `height` are copied out of the header so
 * ancestors can be walked without decoding blocks, with `skip` for long walks; `seq` is the storing order (ties of
 * `get_highest_block` go to the first stored block; `containing_blocks` are listed in it).
 */
export const blocks = pgTable(
  "blocks",
  {
    id: bytea("id").primaryKey(),
    height: int64("height").notNull(),
    previous: bytea("previous").notNull(),
    /** The whole `protocol.Block`, binary protobuf (transactions included). */
    block: bytea("block").notNull(),
    /** The `protocol.BlockReceipt`, binary protobuf; null when the block was stored without one. */
    receipt: bytea("receipt"),
    /** Id of the ancestor at `skipHeight(height)` (see skip-list.ts); null when unknown at storing time. */
    skip: bytea("skip"),
    seq: bigserial("seq", { mode: "number" }).notNull(),
    /**
     * Whether the chain committed the block. `AddBlock` (the chain, before it commits) stores a
     * block uncommitted; `koinos.block.accept` (published by the chain after the commit) marks it
     * and its uncommitted ancestors committed. Only committed blocks are the highest block or a
     * transaction's containing block, so a block the chain never committed (killed in between, or
     * a block the chain did not send) is never served as part of the chain.
     */
    committed: boolean("committed").notNull().default(true),
  },
  (t) => [index("blocks_height_seq_idx").on(t.height.desc(), t.seq), index("blocks_previous_idx").on(t.previous)],
);

/**
 * The main chain: the id of the highest committed block (`getHighestBlock`) and of each of its stored
 * ancestors, by height. Rewritten from the head down to the first height that already agrees
 * whenever the head changes (a fork switch rewrites the heights above the common ancestor), in the
 * transaction that changed it. Heights below a missing ancestor of the head are removed, so every
 * row is an ancestor of the head. Lets a walk from a head on the main chain read a range of
 * heights with one primary-key range scan instead of following `previous` links.
 */
export const mainChain = pgTable("main_chain", {
  height: int64("height").primaryKey(),
  blockId: bytea("block_id").notNull(),
});

/** Every transaction seen in a stored block, by id (the first stored copy). */
export const transactions = pgTable("transactions", {
  id: bytea("id").primaryKey(),
  /** The `protocol.Transaction`, binary protobuf. */
  transaction: bytea("transaction").notNull(),
});

/** Which blocks (any fork) contain which transaction, and at which index of the block. */
export const containing = pgTable(
  "containing",
  {
    transactionId: bytea("transaction_id").notNull(),
    blockId: bytea("block_id").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.transactionId, t.blockId] })],
);

/**
 * Consumer progress (architecture §3): the last block applied, written in the same database transaction
 * as the block itself. One row per key; the block store writes `PROGRESS_KEY`.
 */
export const progress = pgTable("progress", {
  key: text("key").primaryKey(),
  blockId: bytea("block_id").notNull(),
  height: int64("height").notNull(),
});

/** The `progress` row the block store maintains. */
export const PROGRESS_KEY = "last_applied";
