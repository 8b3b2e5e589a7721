/**
 * Where the dev node's services keep their data, and the snapshots of it the dev controls take
 * (`dev.snapshot` / `revert` / `reset`). Two kinds, one shape:
 *
 * - memory (the default): the four services' in-memory stores (`memory-storage.ts`); snapshots are
 *   their dumps. No database is opened, and PGlite is never loaded.
 * - a database (`--database-url`, or `--data DIR` for PGlite under DIR): the Drizzle stores, each
 *   service in its schema (`database-storage.ts`); snapshots copy the tables.
 *
 * Each new set of services takes its stores from `stores()` (after a restore or a wipe the memory
 * kind hands out new ones); the units receive them as their `StoreSource` deps (architecture §7).
 */
import type { StoreSource } from "@cairn/db";
import type { ChainStore } from "@cairn/chain";
import type { BlockStore } from "@cairn/block-store";
import type { MempoolStore } from "@cairn/mempool";
import type { AccountHistoryStore } from "@cairn/account-history";

/** The storage deps of each service unit. */
export interface DevStores {
  chain: StoreSource<ChainStore>;
  blockStore: StoreSource<BlockStore>;
  mempool: StoreSource<MempoolStore>;
  accountHistory: StoreSource<AccountHistoryStore>;
}

/** A snapshot handle (what it holds is the storage's business). */
export interface DevSnapshot {
  readonly id: bigint;
}

/**
 * Snapshots of every service's data. The services must not write while one is restored or the
 * data is wiped: the dev controller stops them first and starts new ones on the result, so every
 * in-memory state (the chain's head state and fork tree, the mempool's pending set, caches) is
 * rebuilt from it exactly as on a restart.
 */
export interface DevSnapshots<S extends DevSnapshot = DevSnapshot> {
  /** Records the data of every service as snapshot `id`. */
  take(id: bigint): Promise<S>;
  /** Puts every service's data back as the snapshot has it. */
  restore(snapshot: S): Promise<void>;
  /** Empties every service's data (back to before genesis). */
  wipe(): Promise<void>;
  /** Forgets a snapshot. */
  drop(snapshot: S): Promise<void>;
  /** Forgets every snapshot, those left by an earlier run included. */
  dropAll(): Promise<void>;
}

/** The data of the dev node's services. */
export interface DevStorage {
  /** `memory`, or the database driver (`postgres`, `pglite`). */
  readonly kind: "memory" | "postgres" | "pglite";
  /** The stores for the next set of services. */
  stores(): DevStores;
  readonly snapshots: DevSnapshots;
  /** Releases the data (closes the databases). */
  close(): Promise<void>;
}
