/**
 * @cairn/bus/testing — for tests only: the shared `EventBus` contract suite, the rule deciding
 * whether NATS tests run (architecture §8), and throwaway-stream fixtures.
 */
export * from "./event-bus-contract.ts";
export * from "./nats-target.ts";
export * from "./nats-fixture.ts";
