/**
 * @cairn/account-history/testing — for tests only: an in-memory BlockSource fed by the chain
 * harness, ChainReads over a harness chain, a feed that publishes the harness's block events on a
 * bus as the chain would, and a dump of every read-model row.
 */
export * from "./block-source.ts";
export * from "./chain.ts";
export * from "./dump.ts";
export * from "./unit.ts";
export * from "./block-store-service.ts";
