/**
 * Options of `cairn rebuild block-store` and `cairn rebuild account-history`: each service's own
 * options (same config file section, `CAIRN_BLOCK_STORE_*` / `CAIRN_ACCOUNT_HISTORY_*` env and
 * flags, so the rebuild opens the database the service uses) plus the rebuild's.
 */
import { accountHistoryOptionsSchema } from "@cairn/account-history";
import { blockStoreOptionsSchema } from "@cairn/block-store";
import { logLevelSchema } from "@cairn/config";
import { z } from "zod";

/** `cairn rebuild block-store`. */
export const rebuildBlockStoreOptionsSchema = blockStoreOptionsSchema.extend({
  /**
   * Where the blocks come from. `events` (default, the only one available): replay
   * `koinos.block.accept` from the JetStream stream. `chain` is refused: the chain keeps block
   * bodies only above the LIB and serves no block-reading RPC (its `--reindex` reads the block
   * store, not the other way round).
   */
  source: z.enum(["events", "chain"]).default("events"),
  /** JetStream stream holding the events. Default `KOINOS` (the services' default). */
  stream: z.string().min(1).default("KOINOS"),
  /** Subject prefix on the wire, when the bus was configured with one. Default none. */
  subjectPrefix: z.string().default(""),
  /** Empty the store even when the stream holds no block or does not start at block 1 (blocks below are lost). */
  force: z.boolean().default(false),
  /** Logs go to stderr. Default `warn`: stdout carries the progress. */
  logLevel: logLevelSchema.default("warn"),
});

/** Options of `cairn rebuild block-store` once loaded. */
export type RebuildBlockStoreOptions = z.output<typeof rebuildBlockStoreOptionsSchema>;

/** `cairn rebuild account-history`: the service's options (`databaseUrl`, `blockStoreAddress`, `batchSize`). */
export const rebuildAccountHistoryOptionsSchema = accountHistoryOptionsSchema.extend({
  /** Logs go to stderr. Default `warn`: stdout carries the progress. */
  logLevel: logLevelSchema.default("warn"),
});

/** Options of `cairn rebuild account-history` once loaded. */
export type RebuildAccountHistoryOptions = z.output<typeof rebuildAccountHistoryOptionsSchema>;
