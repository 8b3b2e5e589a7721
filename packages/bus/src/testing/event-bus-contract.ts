/**
 * The one `EventBus` contract suite: every implementation (in-process, NATS) runs it unchanged,
 * so either can stand in for the other. Call it from a `*.test.ts` file with a fixture factory.
 */
import { afterEach, beforeEach, describe } from "bun:test";
import type { DeliveryOptions } from "../delivery.ts";
import type { EventBus } from "../event-bus.ts";
import { registerDeliveryTests } from "./contract/delivery.ts";
import { registerDurableTests } from "./contract/durable.ts";
import type { ContractContext } from "./contract/helpers.ts";
import { registerLifecycleTests } from "./contract/lifecycle.ts";
import { registerRedeliveryTests } from "./contract/redelivery.ts";

/** A backing log shared by several buses (several "processes"), made fresh for each test. */
export interface EventBusFixture {
  /** A new, unstarted bus on the fixture's log; `delivery` overrides the bus's delivery defaults. */
  connect(delivery?: DeliveryOptions): EventBus;
  /** Removes whatever the fixture created (e.g. the JetStream stream). */
  cleanup(): Promise<void>;
}

export interface EventBusContractOptions {
  /** Skip every test (the backing server is unavailable and that is allowed). */
  skip?: boolean;
}

/** Redelivery fast enough for tests. */
const FAST: DeliveryOptions = { redeliveryDelayMs: 10, maxRedeliveryDelayMs: 40 };

/** Registers the contract tests for one implementation under `describe("EventBus contract: <name>")`. */
export function runEventBusContract(name: string, makeFixture: () => Promise<EventBusFixture> | EventBusFixture, options: EventBusContractOptions = {}): void {
  describe.skipIf(options.skip === true)(`EventBus contract: ${name}`, () => {
    let fixture: EventBusFixture;
    let buses: EventBus[] = [];

    const ctx: ContractContext = {
      connect: (delivery = {}) => fixture.connect({ ...FAST, ...delivery }),
      track: (bus) => void buses.push(bus),
      bus: async (delivery) => {
        const bus = ctx.connect(delivery);
        buses.push(bus);
        await bus.start();
        return bus;
      },
    };

    beforeEach(async () => {
      fixture = await makeFixture();
      buses = [];
    });

    afterEach(async () => {
      await Promise.all(buses.map((b) => b.close()));
      await fixture.cleanup();
    });

    registerDeliveryTests(ctx);
    registerDurableTests(ctx);
    registerRedeliveryTests(ctx);
    registerLifecycleTests(ctx);
  });
}
