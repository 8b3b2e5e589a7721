/**
 * @cairn/block-store — blocks and receipts by id and by height (fork-aware), and transactions with
 * every block containing them. In: `koinos.block.accept` (durable consumer `block_store`) and the
 * chain's `AddBlock` calls, both through one idempotent `storeBlock`. Out: the
 * `cairn.block_store.v1.BlockStoreService` and `cairn.transaction_store.v1.TransactionStoreService`
 * RPCs (protocol §3.2, §3.5). Tables live in the `block_store` schema and are a read model of the
 * block stream: they can be dropped and rebuilt by replay.
 */
export { createBlockStoreUnit, type BlockStoreUnit, type BlockStoreUnitDeps } from "./unit.ts";
export { blockStoreOptionsSchema, defaultBlockStoreOptions, type BlockStoreOptions } from "./options.ts";
export { MIGRATIONS_FOLDER, SCHEMA_NAME } from "./store/migrations.ts";
export { createBlockStoreService, createTransactionStoreService, type BlockStoreServiceDeps, type BlockStoreServiceImpl, type TransactionStoreServiceImpl } from "./service.ts";
export { BLOCK_STORE_DURABLE, createBlockAcceptHandler, subscribeBlockAccept, type BlockAcceptConsumerDeps } from "./events.ts";
export { createBlockWriter, type BlockWriter, type BlockWriterDeps } from "./writer.ts";
export { createBlockStoreMetrics, type BlockOrigin, type BlockStoreMetrics } from "./metrics.ts";
export { BlockStoreErrorCode, MAX_REQUEST_ITEMS } from "./errors.ts";
export { DrizzleBlockStore, type DrizzleBlockStoreOptions } from "./store/drizzle-store.ts";
export { MemoryBlockStore, type BlockStoreDump } from "./store/memory-store.ts";
export { DEFAULT_TOPOLOGY_CACHE_SIZE } from "./store/topology-cache.ts";
export type { BlockRecord, BlockStore, Progress, ReadOptions, StoreItem, Topology, TransactionRecord } from "./store/store.ts";
