/**
 * @cairn/mempool — transactions the chain accepted and no head block includes yet. In:
 * `koinos.transaction.accept` (add), `koinos.block.accept` (remove included; gap fill and
 * fork re-validation through the block store and the chain), `koinos.transaction.fail`
 * (remove). Out: `koinos.mempool.accept`, the `cairn.mempool.v1.MempoolService` RPCs (protocol
 * §3.3) and, in-process, the checks the chain makes at submission. Pending transactions live in
 * memory, recorded in the `mempool` schema with the last applied block.
 */
export { createMempoolUnit, sweepIntervalMs, type MempoolUnit, type MempoolUnitDeps } from "./unit.ts";
export { deferredMempoolChecks, mempoolChecksFromClient, type DeliveryView, type MempoolChecks, type MempoolChecksClient } from "./client.ts";
export type { MempoolBlocks, MempoolChain } from "./ports.ts";
export { defaultMempoolOptions, mempoolLimitsSchema, mempoolOptionsSchema, type MempoolOptions } from "./options.ts";
export { MIGRATIONS_FOLDER, SCHEMA_NAME } from "./store/migrations.ts";
export { createMempoolService, MAX_TRANSACTIONS_PER_REQUEST, type MempoolServiceImpl } from "./service.ts";
export { Mempool, defaultMempoolControllerOptions, type AddOutcome, type MempoolControllerOptions, type MempoolDeps } from "./mempool.ts";
export { MEMPOOL_DURABLE, MEMPOOL_SUBJECTS, createEventHandler, mempoolAcceptPublisher } from "./events.ts";
export { createMempoolMetrics, type MempoolMetrics, type RejectionReason, type RemovalReason } from "./metrics.ts";
export { MempoolErrorCode } from "./errors.ts";
export { DrizzleMempoolStore } from "./store/drizzle-store.ts";
export { MemoryMempoolStore, type MempoolStoreDump } from "./store/memory-store.ts";
export type { LoadedMempool, MempoolStore, PendingRecord, ResourceUse, StoreWrite } from "./store/store.ts";
export type { PendingEntry } from "./pending/entry.ts";
