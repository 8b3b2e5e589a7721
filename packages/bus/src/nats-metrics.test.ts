/** The NATS bus's metrics on a real server: connection state and durable-consumer lag. */
import { afterAll, describe, expect, test } from "bun:test";
import { createMetricsRegistry, silentLogger, type MetricsRegistry } from "@cairn/core";
import type { BusMessage, EventBus } from "./event-bus.ts";
import { createNatsEventBus } from "./nats/bus.ts";
import { deleteNatsStream, throwawayNatsOptions } from "./testing/nats-fixture.ts";
import { natsTestTarget } from "./testing/nats-target.ts";

const target = await natsTestTarget();
const logger = silentLogger();

/** The value of `name` with exactly `labels` (among others), or undefined when absent. */
async function value(registry: MetricsRegistry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name) as { values: { value: number; labels: Record<string, string> }[] } | undefined;
  return metric?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
}

describe.skipIf(!target.available)("NATS bus metrics", () => {
  const streams: string[] = [];
  const buses: EventBus[] = [];
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await Promise.all(streams.map((s) => deleteNatsStream(target.url, s)));
  });

  test("connection gauge, and a durable consumer's lag while its handler is held", async () => {
    const options = throwawayNatsOptions(target.url);
    streams.push(options.stream!);
    const registry = createMetricsRegistry("test", false);
    const bus = createNatsEventBus(options, { logger, metrics: registry });
    buses.push(bus);
    expect(await value(registry, "cairn_nats_connected", { connection: options.name! })).toBeUndefined();
    await bus.start();
    expect(await value(registry, "cairn_nats_connected", { connection: options.name! })).toBe(1);

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const seen: BusMessage[] = [];
    await bus.subscribe("koinos.block.accept", async (m) => {
      seen.push(m);
      await held;
    }, { durable: "lagging", deliverFrom: "all" });
    await bus.publishMany(Array.from({ length: 5 }, () => ({ subject: "koinos.block.accept", data: new Uint8Array([1]) })));
    // One message is with the handler (unacknowledged), four wait in the stream.
    const labels = { stream: options.stream!, consumer: "lagging" };
    const deadline = Date.now() + 10_000;
    while ((await value(registry, "cairn_jetstream_consumer_pending_messages", labels)) !== 4 && Date.now() < deadline) await Bun.sleep(50);
    expect(await value(registry, "cairn_jetstream_consumer_pending_messages", labels)).toBe(4);
    expect(await value(registry, "cairn_jetstream_consumer_ack_pending_messages", labels)).toBe(1);

    release();
    while (seen.length < 5 && Date.now() < deadline) await Bun.sleep(50);
    while ((await value(registry, "cairn_jetstream_consumer_ack_pending_messages", labels)) !== 0 && Date.now() < deadline) await Bun.sleep(50);
    expect(await value(registry, "cairn_jetstream_consumer_pending_messages", labels)).toBe(0);
    expect(await value(registry, "cairn_jetstream_consumer_ack_pending_messages", labels)).toBe(0);

    await bus.close();
    expect(await value(registry, "cairn_nats_connected", { connection: options.name! })).toBeUndefined();
    expect(await value(registry, "cairn_jetstream_consumer_pending_messages", labels)).toBeUndefined();
  });

  test("two buses on one registry report separately", async () => {
    const registry = createMetricsRegistry("test", false);
    const [a, b] = [throwawayNatsOptions(target.url), throwawayNatsOptions(target.url)];
    streams.push(a.stream!, b.stream!);
    for (const o of [a, b]) {
      const bus = createNatsEventBus(o, { logger, metrics: registry });
      buses.push(bus);
      await bus.start();
      await bus.subscribe("koinos.>", () => {}, { durable: "d" });
    }
    expect(await value(registry, "cairn_nats_connected", { connection: a.name! })).toBe(1);
    expect(await value(registry, "cairn_nats_connected", { connection: b.name! })).toBe(1);
    expect(await value(registry, "cairn_jetstream_consumer_pending_messages", { stream: a.stream!, consumer: "d" })).toBe(0);
    expect(await value(registry, "cairn_jetstream_consumer_pending_messages", { stream: b.stream!, consumer: "d" })).toBe(0);
  });
});
