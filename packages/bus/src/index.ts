/**
 * @cairn/bus — the broadcast events between Cairn services. Through it flow the Koinos topics
 * (`koinos.block.accept`, `koinos.block.irreversible`, `koinos.block.forks`,
 * `koinos.transaction.accept`, `koinos.transaction.fail`, `koinos.mempool.accept`,
 * `koinos.event.<contract>.<name>`), each carrying a binary `cairn.broadcast.v1` protobuf message
 * as opaque bytes; the event catalog (`EVENT_CATALOG`) says which message each subject carries. One `EventBus` interface, two implementations: NATS JetStream (multi-process
 * mode; a stream keeps what a stopped consumer missed) and in-process (one-process mode, tests).
 * Test helpers (contract suite, NATS fixtures) live in `@cairn/bus/testing`.
 */
export * from "./event-bus.ts";
export * from "./subjects.ts";
export { BusErrorCode } from "./errors.ts";
export * from "./catalog.ts";
export { EventMessage } from "./event-message.ts";
export { defaultDeliveryOptions, type DeliveryOptions } from "./delivery.ts";
export { createNatsEventBus } from "./nats/bus.ts";
export type { NatsEventBusOptions, NatsEventBusDeps } from "./nats/options.ts";
export { createMemoryEventBus, createMemoryBroker, MemoryBroker } from "./memory/bus.ts";
export type { MemoryEventBusOptions, MemoryEventBusDeps, MemoryBrokerOptions } from "./memory/bus.ts";
export type { MemoryLogLimits } from "./memory/log.ts";
