/**
 * @cairn/account-history — per-address history (protocol §3.4). Block events
 * (`koinos.block.accept`, `koinos.block.irreversible`) flow in through the durable consumer
 * `account_history`; gaps and fork switches are filled from the block store (`HistoryBlocks`, a
 * narrowing of `@cairn/block-store/client`) relative to the chain head (`HistoryChain`, of
 * `@cairn/chain/client`); every block's records and entries, and the applied
 * head, commit in one transaction; `GetAccountHistory` reads them back. The read model can be
 * dropped and rebuilt from the block store (`rebuildAccountHistory`; `cairn rebuild account-history`).
 */
export { createAccountHistoryUnit, type AccountHistoryUnit, type AccountHistoryUnitDeps } from "./unit.ts";
export { accountHistoryOptionsSchema, type AccountHistoryOptions } from "./options.ts";
export { MIGRATIONS_FOLDER, SCHEMA_NAME } from "./store/migrations.ts";
export { createAccountHistoryService, toHistoryEntry, type AccountHistoryServiceImpl } from "./service.ts";
export { DEFAULT_RECORD_CACHE_BYTES, RecordCache } from "./record-cache.ts";
export { AccountHistoryIndexer, type IndexerDeps, type IndexerOptions, type SyncOutcome } from "./indexer.ts";
export type { HistoryBlocks, HistoryChain } from "./ports.ts";
export { ACCOUNT_HISTORY_DURABLE, ACCOUNT_HISTORY_SUBJECTS, createEventHandler } from "./events.ts";
export { blockHistory, blockImpacted, transactionImpacted, type HistoryRecord, type RecordKind } from "./impacted.ts";
export { rebuildAccountHistory, type RebuildOptions, type RebuildResult } from "./rebuild-history.ts";
export { AccountHistoryErrorCode, MAX_HISTORY_LIMIT } from "./errors.ts";
export { MemoryAccountHistoryStore, type AccountHistoryDump } from "./store/memory-store.ts";
export { createAccountHistoryMetrics, type AccountHistoryMetrics } from "./metrics.ts";
export { DrizzleAccountHistoryStore } from "./store/drizzle-store.ts";
export type { AccountHistoryStore, ApplyPlan, ApplyResult, HistoryProgress, HistoryQuery, StoredEntry } from "./store/store.ts";
