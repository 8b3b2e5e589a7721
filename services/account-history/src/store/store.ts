/**
 * The account history read model as the rest of the service sees it. Two implementations,
 * `DrizzleAccountHistoryStore` (Postgres or PGlite) and `MemoryAccountHistoryStore` (the
 * one-process dev node); one contract suite runs on each.
 *
 * Writes go through `apply`, which is the only place the applied head moves: it locks the progress
 * row, checks that nobody moved the head since the caller planned (`expectedHead`), optionally
 * deletes everything above a fork point, writes the blocks' records and entries and moves the head,
 * all in ONE database transaction. Two writers (two instances, or an event and a catch-up) can
 * therefore never apply the same block twice or interleave: the loser gets `conflict` and re-plans.
 */
import type { BlockWithReceipt } from "@cairn/block-store/client";
import type { BlockRef } from "@cairn/protocol";
import type { RecordKind } from "../impacted.ts";

/** Where the read model stands. */
export interface HistoryProgress {
  /** Last applied block (the genesis pointer, zero id at height 0, before block 1). */
  head: BlockRef;
  /** Last irreversible height as last reported by the chain (0 before any). */
  lib: bigint;
}

/** One atomic step of the read model. */
export interface ApplyPlan {
  /** The head the plan was made against. When the stored head differs, nothing is written. */
  expectedHead: BlockRef;
  /** Fork switch: first delete every block, record and entry above this ancestor of `expectedHead`. */
  revertTo?: BlockRef;
  /** Blocks to apply in order: the first extends `revertTo ?? expectedHead`, each the one before. */
  blocks: readonly BlockWithReceipt[];
}

/** What `apply` did. */
export interface ApplyResult {
  /** `conflict`: the stored head was not `expectedHead`; nothing was written. */
  outcome: "applied" | "conflict";
  /** The head after the call (the stored one on conflict). */
  head: BlockRef;
  /** Blocks deleted by `revertTo`. */
  reverted: number;
  /** Entries written. */
  entries: number;
}

/** get_account_history as the store answers it (limit already checked). */
export interface HistoryQuery {
  address: Uint8Array;
  /** First seq_num (inclusive). Default: 0 ascending, the newest entry descending. */
  seqNum?: bigint;
  /** At most this many entries (≤ 500). */
  limit: number;
  ascending: boolean;
  /** Only entries of blocks at or below the LIB. */
  irreversible: boolean;
}

/** One entry as stored. */
export interface StoredEntry {
  seqNum: bigint;
  kind: RecordKind;
  /** Serialized `BlockRecord` or `TransactionRecord`, per `kind`. */
  record: Uint8Array;
}

/** The account history read model. */
export interface AccountHistoryStore {
  /** The applied head and the LIB. */
  progress(): Promise<HistoryProgress>;
  /** Applied blocks at heights `from … to` (inclusive), ascending. */
  appliedBlocks(from: bigint, to: bigint): Promise<BlockRef[]>;
  /** Applies a plan atomically (see the file comment). */
  apply(plan: ApplyPlan): Promise<ApplyResult>;
  /** Raises the LIB to `height` (never lowers it). */
  setLib(height: bigint): Promise<void>;
  /**
   * A contiguous run of an address's entries starting at `seqNum` (Koinos semantics: empty when
   * that entry does not exist), ascending or descending, at most `limit`.
   */
  history(query: HistoryQuery): Promise<StoredEntry[]>;
  /** Drops the read model: every block, record and entry; the head goes back to genesis (the LIB stays). */
  reset(): Promise<void>;
}
