import { afterAll, describe, expect, test } from "bun:test";
import { isCairnError, silentLogger } from "@cairn/core";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, nanos } from "@nats-io/transport-node";
import type { BusMessage, EventBus } from "./event-bus.ts";
import { createNatsEventBus } from "./nats/bus.ts";
import type { NatsEventBusOptions } from "./nats/options.ts";
import { Subjects } from "./subjects.ts";
import { runEventBusContract } from "./testing/event-bus-contract.ts";
import { deleteNatsStream, natsFixture, throwawayNatsOptions } from "./testing/nats-fixture.ts";
import { natsTestTarget } from "./testing/nats-target.ts";

const target = await natsTestTarget();
const logger = silentLogger();
const enc = (s: string) => new TextEncoder().encode(s);

runEventBusContract("NatsEventBus", () => natsFixture(target.url, logger), { skip: !target.available });

describe.skipIf(!target.available)("NatsEventBus specifics", () => {
  const streams: string[] = [];
  const buses: EventBus[] = [];

  async function started(extra: Partial<NatsEventBusOptions> = {}, base = throwawayNatsOptions(target.url)): Promise<EventBus> {
    const bus = createNatsEventBus({ ...base, ...extra }, { logger });
    buses.push(bus);
    streams.push(base.stream!);
    await bus.start();
    return bus;
  }

  async function streamInfo(stream: string) {
    const nc = await connect({ servers: target.url });
    try {
      return await (await jetstreamManager(nc)).streams.info(stream);
    } finally {
      await nc.close();
    }
  }

  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await Promise.all([...new Set(streams)].map((s) => deleteNatsStream(target.url, s)));
  });

  test("start() gives up after startupTimeoutMs when nothing listens", async () => {
    const bus = createNatsEventBus({ url: "nats://127.0.0.1:1", startupTimeoutMs: 300 }, { logger });
    const t0 = Date.now();
    await expect(bus.start()).rejects.toBeDefined();
    expect(Date.now() - t0).toBeLessThan(3_000);
    await bus.close();
  });

  test("start() stops waiting when its signal aborts", async () => {
    const bus = createNatsEventBus({ url: "nats://127.0.0.1:1" }, { logger });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("shutdown")), 100);
    await expect(bus.start(ac.signal)).rejects.toThrow("shutdown");
  });

  test("close() during start() stops the wait", async () => {
    const bus = createNatsEventBus({ url: "nats://127.0.0.1:1" }, { logger });
    const starting = bus.start();
    setTimeout(() => void bus.close(), 100);
    const err = await starting.catch((e: unknown) => e);
    expect(isCairnError(err) && err.code).toBe("bus.closed");
  });

  test("the stream is created with the configured limits and updated when they change", async () => {
    const base = throwawayNatsOptions(target.url);
    await started({ maxAgeMs: 60_000, maxBytes: 1_000_000 }, base);
    let info = await streamInfo(base.stream!);
    expect(info.config.subjects).toEqual([`${base.subjectPrefix}.koinos.>`]);
    expect(info.config.storage).toBe("file");
    expect(info.config.max_age).toBe(nanos(60_000));
    expect(info.config.max_bytes).toBe(1_000_000);
    await started({ maxAgeMs: 120_000, maxBytes: 2_000_000 }, base);
    info = await streamInfo(base.stream!);
    expect(info.config.max_age).toBe(nanos(120_000));
    expect(info.config.max_bytes).toBe(2_000_000);
  });

  test("subjectPrefix is applied on the wire and removed on delivery", async () => {
    const base = throwawayNatsOptions(target.url);
    const bus = await started({}, base);
    const seen: BusMessage[] = [];
    await bus.subscribe(Subjects.blockAccept, (m) => void seen.push(m));
    const ack = await bus.publish(Subjects.blockAccept, enc("x"));
    const nc = await connect({ servers: target.url });
    const stored = await (await jetstreamManager(nc)).streams.getMessage(base.stream!, { seq: ack.sequence });
    await nc.close();
    expect(stored?.subject).toBe(`${base.subjectPrefix}.${Subjects.blockAccept}`);
    while (seen.length === 0) await Bun.sleep(2);
    expect(seen[0]!.subject).toBe(Subjects.blockAccept);
  });

  test("a subscription without acknowledgement is an ack-less consumer, deleted when it closes", async () => {
    const base = throwawayNatsOptions(target.url);
    const bus = await started({}, base);
    const seen: BusMessage[] = [];
    const sub = await bus.subscribe(Subjects.mempoolAccept, (m) => void seen.push(m), { acknowledge: false });
    await bus.publish(Subjects.mempoolAccept, enc("x"));
    while (seen.length === 0) await Bun.sleep(2);
    const nc = await connect({ servers: target.url });
    try {
      const jsm = await jetstreamManager(nc);
      const consumers = await jsm.consumers.list(base.stream!).next();
      expect(consumers.map((c) => c.config.ack_policy)).toEqual(["none"]);
      await sub.close();
      expect(await jsm.consumers.list(base.stream!).next()).toEqual([]);
    } finally {
      await nc.close();
    }
  });

  test("a handler running past the ack wait is kept alive, not redelivered", async () => {
    const bus = await started({ ackWaitMs: 400 });
    const deliveries: number[] = [];
    await bus.subscribe(
      Subjects.blockAccept,
      async (m) => {
        deliveries.push(m.deliveryCount);
        if (m.deliveryCount === 1) await Bun.sleep(900);
      },
      { durable: "slow" },
    );
    await bus.publish(Subjects.blockAccept, enc("slow"));
    await Bun.sleep(1_300);
    expect(deliveries).toEqual([1]);
  });

  test("a burst's acks, sent together at the end of a turn, all count, even when the subscription closes right after", async () => {
    const base = throwawayNatsOptions(target.url);
    const bus = await started({ ackWaitMs: 2_000 }, base);
    let handled = 0;
    const sub = await bus.subscribe(Subjects.transactionAccept, () => void handled++, { durable: "burst", maxAckPending: 256, concurrency: 64 });
    await bus.publishMany(Array.from({ length: 500 }, (_, i) => ({ subject: Subjects.transactionAccept, data: enc(String(i)) })));
    while (handled < 500) await Bun.sleep(2);
    await sub.close();
    const nc = await connect({ servers: target.url });
    try {
      const info = await (await jetstreamManager(nc)).consumers.info(base.stream!, "burst");
      expect({ pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered, acked: Number(info.ack_floor.stream_seq) }).toEqual({ pending: 0, ackPending: 0, redelivered: 0, acked: 500 });
    } finally {
      await nc.close();
    }
    // Nothing comes again after the ack wait.
    let again = 0;
    const resumed = await bus.subscribe(Subjects.transactionAccept, () => void again++, { durable: "burst" });
    await Bun.sleep(2_500);
    await resumed.close();
    expect(again).toBe(0);
  });

  test("publish failures are CairnErrors with bus.publish_failed", async () => {
    const base = throwawayNatsOptions(target.url);
    const bus = await started({ requestTimeoutMs: 500 }, base);
    await deleteNatsStream(target.url, base.stream!);
    const err = await bus.publish(Subjects.blockAccept, enc("x")).catch((e: unknown) => e);
    expect(isCairnError(err) && err.code).toBe("bus.publish_failed");
  });

  test("publishMany: every message acknowledged once, in call order, on contiguous sequences", async () => {
    // Its speed (pipelined, not awaited one by one) is a benchmark figure, not a test assertion.
    const bus = await started();
    const n = 5_000;
    const messages = Array.from({ length: n }, (_, i) => ({ subject: Subjects.transactionAccept, data: enc(`t${i}`) }));
    const acks = await bus.publishMany(messages);
    expect(acks).toHaveLength(n);
    acks.forEach((ack, i) => expect(ack.sequence).toBe(acks[0]!.sequence + i));
  });

});
