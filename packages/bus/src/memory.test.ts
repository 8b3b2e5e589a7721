import { describe, expect, test } from "bun:test";
import { broadcast } from "@cairn/proto";
import { eventMessage } from "./catalog.ts";
import { Subjects } from "./subjects.ts";
import { createMemoryBroker, createMemoryEventBus } from "./memory/bus.ts";
import { MemoryLog, PAYLOADS_KEPT } from "./memory/log.ts";
import { runEventBusContract } from "./testing/event-bus-contract.ts";

runEventBusContract("MemoryEventBus", () => {
  const broker = createMemoryBroker();
  return {
    connect: (delivery) => createMemoryEventBus({ broker, ...delivery }),
    cleanup: async () => {},
  };
});

describe("MemoryEventBus specifics", () => {
  test("the log drops the oldest messages beyond its limits", () => {
    const log = new MemoryLog({ maxMessages: 3, maxBytes: 10 });
    for (let i = 0; i < 5; i++) log.append("koinos.block.accept", new Uint8Array(2));
    expect(log.firstSequence).toBe(3);
    expect(log.lastSequence).toBe(5);
    expect(log.get(2)).toBeUndefined();
    expect(log.get(3)?.sequence).toBe(3);
    log.append("koinos.block.accept", new Uint8Array(9));
    expect(log.firstSequence).toBe(6);
  });

  test("a consumer behind the retained window resumes at the oldest retained message", async () => {
    const bus = createMemoryEventBus({ maxMessages: 2 });
    await bus.start();
    for (const t of ["a", "b", "c"]) await bus.publish("koinos.block.accept", new TextEncoder().encode(t));
    const seen: string[] = [];
    await bus.subscribe("koinos.>", (m) => void seen.push(new TextDecoder().decode(m.data)), { deliverFrom: "all" });
    await Bun.sleep(10);
    expect(seen).toEqual(["b", "c"]);
    await bus.close();
  });

  test("a published buffer is copied", async () => {
    const bus = createMemoryEventBus();
    await bus.start();
    const data = new Uint8Array([1]);
    const seen: number[] = [];
    await bus.subscribe("koinos.>", (m) => void seen.push(m.data[0]!));
    await bus.publish("koinos.block.accept", data);
    data[0] = 2;
    await Bun.sleep(5);
    expect(seen).toEqual([1]);
    await bus.close();
  });

  test("the fresh bytes of eventMessage are kept as they are, not copied", async () => {
    const bus = createMemoryEventBus();
    await bus.start();
    const message = eventMessage(Subjects.blockIrreversible, broadcast.BlockIrreversible.create());
    const seen: Uint8Array[] = [];
    await bus.subscribe("koinos.>", (m) => void seen.push(m.data));
    await bus.publishMany([message]);
    await bus.publish("koinos.block.accept", new Uint8Array([1]));
    await Bun.sleep(5);
    expect(seen[0]).toBe(message.data);
    expect(seen[1]).toEqual(new Uint8Array([1]));
    await bus.close();
  });

  test("a published payload reaches every consumer with its bytes, for the newest messages only", async () => {
    const bus = createMemoryEventBus();
    await bus.start();
    const payload = { note: "decoded" };
    const seen: [string, object | undefined][] = [];
    await bus.subscribe("koinos.block.accept", (m) => void seen.push(["first", m.payload]));
    await bus.subscribe("koinos.block.accept", (m) => void seen.push(["second", m.payload]));
    await bus.publish("koinos.block.accept", new Uint8Array([1]), payload);
    await bus.publish("koinos.block.accept", new Uint8Array([2]));
    await Bun.sleep(5);
    expect(seen).toEqual([["first", payload], ["second", payload], ["first", undefined], ["second", undefined]]);
    expect(seen[0]![1]).toBe(payload);
    expect(seen[1]![1]).toBe(payload);

    // Older messages keep only their bytes: a consumer reading from the start sees no payload there.
    for (let i = 0; i < PAYLOADS_KEPT; i++) await bus.publishMany([{ subject: "koinos.block.irreversible", data: new Uint8Array([3]), payload: { i } }]);
    const late: (object | undefined)[] = [];
    await bus.subscribe("koinos.>", (m) => void late.push(m.payload), { deliverFrom: "all" });
    await Bun.sleep(50);
    expect(late).toHaveLength(PAYLOADS_KEPT + 2);
    expect(late[0]).toBeUndefined();
    expect(late.at(-1)).toEqual({ i: PAYLOADS_KEPT - 1 });
    expect(late.filter((p) => p !== undefined)).toHaveLength(PAYLOADS_KEPT);
    await bus.close();
  });

  test("the broker is settled once every live consumer has handled what it takes", async () => {
    const broker = createMemoryBroker();
    const bus = createMemoryEventBus({ broker });
    await bus.start();
    expect(broker.settled).toBe(true);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await bus.subscribe("koinos.block.accept", () => gate, { durable: "slow" });
    await bus.subscribe("koinos.transaction.accept", () => {});
    await bus.publish("koinos.block.accept", new Uint8Array([1]));
    await Bun.sleep(5);
    expect(broker.settled).toBe(false);
    release();
    await Bun.sleep(5);
    expect(broker.settled).toBe(true);
    await bus.close();
  });

  test("with keepHandled, the log keeps what a consumer has yet to handle plus that many handled messages", async () => {
    const broker = createMemoryBroker({ keepHandled: 2 });
    const bus = createMemoryEventBus({ broker });
    await bus.start();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: number[] = [];
    await bus.subscribe("koinos.block.accept", async (m) => {
      seen.push(m.data[0]!);
      if (m.data[0] === 1) await gate;
    }, { durable: "slow" });
    for (let i = 1; i <= 10; i++) await bus.publish("koinos.block.accept", new Uint8Array([i]));
    await Bun.sleep(5);
    // Message 1 is still in its handler: nothing from it on may go.
    expect(broker.log.firstSequence).toBe(1);
    release();
    await Bun.sleep(20);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await bus.publish("koinos.block.accept", new Uint8Array([11]));
    await Bun.sleep(5);
    // 1…10 handled when 11 came: the two newest handled (9, 10) stay, with 11.
    expect(broker.log.firstSequence).toBe(9);
    expect(broker.log.lastSequence).toBe(11);
    await bus.close();
  });

  test("an eventMessage is encoded only when its bytes are read: consumers taking the payload never cause it", async () => {
    const bus = createMemoryEventBus();
    await bus.start();
    const payload = broadcast.BlockIrreversible.create({ topology: { id: new Uint8Array([7]), height: 3n, previous: new Uint8Array([6]) } });
    const message = eventMessage(Subjects.blockIrreversible, payload);
    const seen: object[] = [];
    await bus.subscribe("koinos.>", (m) => void seen.push(m.payload!));
    await bus.publishMany([message]);
    await Bun.sleep(5);
    expect(seen[0]).toBe(payload);
    expect(message.encoded).toBe(false);

    // A consumer that reads the bytes gets what an eager encoding gives.
    const bytes: Uint8Array[] = [];
    await bus.subscribe("koinos.>", (m) => void bytes.push(m.data), { deliverFrom: "all" });
    await Bun.sleep(5);
    expect(message.encoded).toBe(true);
    expect(bytes[0]).toEqual(broadcast.BlockIrreversible.encode(payload).finish());
    await bus.close();
  });

  test("an eventMessage leaving the payload window is encoded, so a consumer further behind decodes its bytes", async () => {
    const bus = createMemoryEventBus();
    await bus.start();
    const payload = broadcast.BlockIrreversible.create({ topology: { id: new Uint8Array([1]), height: 1n, previous: new Uint8Array([0]) } });
    const first = eventMessage(Subjects.blockIrreversible, payload);
    await bus.publishMany([first]);
    for (let i = 0; i < PAYLOADS_KEPT - 1; i++) await bus.publishMany([eventMessage(Subjects.blockForks, broadcast.ForkHeads.create())]);
    expect(first.encoded).toBe(false);
    await bus.publishMany([eventMessage(Subjects.blockForks, broadcast.ForkHeads.create())]);
    expect(first.encoded).toBe(true);
    const late: { data: Uint8Array; payload?: object }[] = [];
    await bus.subscribe(Subjects.blockIrreversible, (m) => void late.push({ data: m.data, payload: m.payload }), { deliverFrom: "all" });
    await Bun.sleep(5);
    expect(late).toHaveLength(1);
    expect(late[0]!.payload).toBeUndefined();
    expect(broadcast.BlockIrreversible.decode(late[0]!.data)).toEqual(payload);
    await bus.close();
  });

  test("with keepHandled below the payload window, a handled eventMessage the log drops is never encoded", async () => {
    const broker = createMemoryBroker({ keepHandled: 4 });
    const bus = createMemoryEventBus({ broker });
    await bus.start();
    await bus.subscribe("koinos.>", () => {});
    const messages = Array.from({ length: PAYLOADS_KEPT + 10 }, () => eventMessage(Subjects.blockForks, broadcast.ForkHeads.create()));
    for (const m of messages) {
      await bus.publishMany([m]);
      await Bun.sleep(0);
    }
    expect(broker.log.firstSequence).toBeGreaterThan(10);
    expect(messages.filter((m) => m.encoded)).toHaveLength(0);
    await bus.close();
  });

  test("bytes count against maxBytes once encoded", async () => {
    const broker = createMemoryBroker({ maxBytes: 40 });
    const bus = createMemoryEventBus({ broker });
    await bus.start();
    const payload = () => broadcast.BlockIrreversible.create({ topology: { id: new Uint8Array(10), height: 1n, previous: new Uint8Array(10) } });
    const size = broadcast.BlockIrreversible.encode(payload()).finish().length;
    expect(size * 2).toBeGreaterThan(40);
    const messages = [0, 1, 2].map(() => eventMessage(Subjects.blockIrreversible, payload()));
    await bus.publishMany(messages);
    // Not encoded: nothing counts yet, all three stay.
    expect(broker.log.firstSequence).toBe(1);
    // Read by a consumer: their bytes count, and the next append drops the oldest beyond the limit.
    await bus.subscribe("koinos.>", (m) => void m.data, { deliverFrom: "all" });
    await Bun.sleep(5);
    await bus.publish(Subjects.blockForks, new Uint8Array([1]));
    expect(broker.log.firstSequence).toBe(3);
    await bus.close();
  });

  test("a failed message the log drops before its redelivery is forgotten, and later ones flow", async () => {
    const broker = createMemoryBroker({ maxMessages: 2 });
    const bus = createMemoryEventBus({ broker, redeliveryDelayMs: 20, maxRedeliveryDelayMs: 20 });
    await bus.start();
    const handled: number[] = [];
    await bus.subscribe("koinos.block.accept", (m) => {
      if (m.data[0] === 1) throw new Error("always");
      handled.push(m.data[0]!);
    });
    await bus.publish("koinos.block.accept", new Uint8Array([1]));
    await Bun.sleep(5);
    // 1 failed and waits; 2 and 3 push it out of the log (maxMessages 2) before its retry.
    await bus.publish("koinos.block.accept", new Uint8Array([2]));
    await bus.publish("koinos.block.accept", new Uint8Array([3]));
    await Bun.sleep(60);
    expect(broker.log.firstSequence).toBe(2);
    expect(handled).toEqual([2, 3]);
    expect(broker.settled).toBe(true);
    await bus.close();
  });
});
