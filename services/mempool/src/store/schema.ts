/**
 * The mempool's tables (Postgres schema `mempool`, chosen at run time through `search_path`, so
 * tables are declared without `pgSchema`). Regenerate the SQL after a change with
 * `bunx drizzle-kit generate` from services/mempool; never edit files under drizzle/.
 */
import { sql } from "drizzle-orm";
import { index, integer, pgTable } from "drizzle-orm/pg-core";
import { bytea, int64, uint64 } from "@cairn/db";

/** One row per pending transaction (accepted by the chain, not yet in a head block). */
export const pendingTransactions = pgTable(
  "pending_transactions",
  {
    /** Transaction id (multihash). */
    id: bytea("id").primaryKey(),
    /** Who pays the rc (header.payer). */
    payer: bytea("payer").notNull(),
    /** Whose nonce the transaction uses: payee when set and ≠ payer, else payer. */
    nonceAccount: bytea("nonce_account").notNull(),
    /** The nonce value (protocol uint64, realistically far below 2^63). */
    nonce: int64("nonce").notNull(),
    /** receipt.rc_used: what the transaction reserves of its payer's rc. */
    rcUsed: uint64("rc_used").notNull(),
    diskStorageUsed: uint64("disk_storage_used").notNull().default(sql`0`),
    networkBandwidthUsed: uint64("network_bandwidth_used").notNull().default(sql`0`),
    computeBandwidthUsed: uint64("compute_bandwidth_used").notNull().default(sql`0`),
    systemDiskStorageUsed: uint64("system_disk_storage_used").notNull().default(sql`0`),
    systemNetworkBandwidthUsed: uint64("system_network_bandwidth_used").notNull().default(sql`0`),
    systemComputeBandwidthUsed: uint64("system_compute_bandwidth_used").notNull().default(sql`0`),
    /** The transaction, binary protobuf. */
    transaction: bytea("transaction").notNull(),
    /** Arrival order (increasing, never reused while the row exists). */
    sequence: int64("sequence").notNull(),
    /** When the mempool received it, ms since epoch (expiry). */
    receivedAt: int64("received_at").notNull(),
  },
  (t) => [index("pending_transactions_sequence_idx").on(t.sequence)],
);

/** A single row (id = 1): the last head block whose effects the pending set reflects. */
export const progress = pgTable("progress", {
  id: integer("id").primaryKey(),
  blockId: bytea("block_id").notNull(),
  height: int64("height").notNull(),
});
