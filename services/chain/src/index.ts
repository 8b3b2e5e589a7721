/**
 * @cairn/chain — the chain service: validation, state, forks, native KOIN, events. The dev node
 * and main.ts compose it through `createChainUnit`; tests use the harness under src/testing.
 */
export { Chain, type ChainEvents, defaultChainOptions } from "./chain.ts";
export { createChainUnit, type ChainUnit, type ChainUnitDeps } from "./unit.ts";
export { chainOptionsSchema, type ChainServiceOptions, KOIN_UNIT } from "./options.ts";
export { MIGRATIONS_FOLDER, SCHEMA_NAME } from "./store/migrations.ts";
export { MemoryChainStore, type ChainStoreDump } from "./store/memory-store.ts";
export type { ChainStore } from "./store/store.ts";
export { devGenesis, devAccount, type DevGenesis, type DevAccount } from "./genesis.ts";
export { createChainService, createContractMetaStoreService, createP2pService } from "./service.ts";
export { blockAcceptMessage, blockAppliedMessages, eventParcelMessages, type AcceptFlags, type AppliedBlockEvent } from "./messages.ts";
