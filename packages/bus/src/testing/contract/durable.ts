/** Durable consumers: position across closes and restarts, queue sharing, closing, forgetting. */
import { expect, test } from "bun:test";
import { waitUntil } from "@cairn/test-utils";
import { BusErrorCode } from "../../errors.ts";
import { Subjects } from "../../subjects.ts";
import { enc, dec, sleep, recorder, expectBusError, QUIET_MS, type ContractContext } from "./helpers.ts";

export function registerDurableTests(ctx: ContractContext): void {
  test("a durable consumer receives what was published while it was closed", async () => {
    const producer = await ctx.bus();
    const first = await ctx.bus();
    const r1 = recorder();
    const sub = await first.subscribe("koinos.block.>", r1.handler, { durable: "block_store" });
    await producer.publish(Subjects.blockAccept, enc("b1"));
    await r1.waitFor(1);
    await sub.close();
    await producer.publish(Subjects.blockAccept, enc("b2"));
    await producer.publish(Subjects.blockIrreversible, enc("b3"));
    // Same process resubscribing.
    const r2 = recorder();
    const sub2 = await first.subscribe("koinos.block.>", r2.handler, { durable: "block_store" });
    await r2.waitFor(2);
    await sub2.close();
    await producer.publish(Subjects.blockAccept, enc("b4"));
    await first.close();
    // A restarted process (new connection).
    const restarted = await ctx.bus();
    const r3 = recorder();
    await restarted.subscribe("koinos.block.>", r3.handler, { durable: "block_store" });
    await r3.waitFor(1);
    await sleep(QUIET_MS);
    expect(r1.texts()).toEqual(["b1"]);
    expect(r2.texts()).toEqual(["b2", "b3"]);
    expect(r3.texts()).toEqual(["b4"]);
  });

  test("instances sharing a durable name get each message exactly once, in order overall", async () => {
    const producer = await ctx.bus();
    const order: string[] = [];
    const a = recorder(async (m) => {
      order.push(dec(m.data));
      await sleep(1);
    });
    const b = recorder(async (m) => {
      order.push(dec(m.data));
      await sleep(1);
    });
    await (await ctx.bus()).subscribe(Subjects.blockAccept, a.handler, { durable: "chain" });
    await (await ctx.bus()).subscribe(Subjects.blockAccept, b.handler, { durable: "chain" });
    const sent = Array.from({ length: 60 }, (_, i) => `s-${i}`);
    await producer.publishMany(sent.map((t) => ({ subject: Subjects.blockAccept, data: enc(t) })));
    await waitUntil(() => a.seen.length + b.seen.length >= sent.length, 10_000, "all shared messages");
    await sleep(QUIET_MS);
    expect([...a.texts(), ...b.texts()].sort()).toEqual([...sent].sort());
    expect(a.seen.length).toBeGreaterThan(0);
    expect(b.seen.length).toBeGreaterThan(0);
    // One message in flight at a time (maxAckPending 1): handled in publish order across instances.
    expect(order).toEqual(sent);
  });

  test("close stops delivery and waits for the message being handled, which stays acknowledged", async () => {
    const b = await ctx.bus();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const r = recorder(async (m) => {
      if (dec(m.data) === "slow") await gate;
    });
    const sub = await b.subscribe(Subjects.blockAccept, r.handler, { durable: "closing" });
    await b.publish(Subjects.blockAccept, enc("slow"));
    await sleep(50);
    let closed = false;
    const closing = sub.close().then(() => (closed = true));
    await sleep(20);
    expect(closed).toBe(false);
    release();
    await closing;
    expect(r.texts()).toEqual(["slow"]);
    await b.publish(Subjects.blockAccept, enc("after"));
    await sleep(QUIET_MS);
    expect(r.texts()).toEqual(["slow"]);
    // The durable resumes after "slow": it was acknowledged on close.
    const again = recorder();
    await b.subscribe(Subjects.blockAccept, again.handler, { durable: "closing" });
    await again.waitFor(1);
    await sleep(QUIET_MS);
    expect(again.texts()).toEqual(["after"]);
  });

  test("deleteDurable forgets the position", async () => {
    const b = await ctx.bus();
    await b.publish(Subjects.blockAccept, enc("d1"));
    const r1 = recorder();
    const sub = await b.subscribe(Subjects.blockAccept, r1.handler, { durable: "forget", deliverFrom: "all" });
    await r1.waitFor(1);
    await expectBusError(b.deleteDurable("forget"), BusErrorCode.DurableInUse);
    await sub.close();
    await b.deleteDurable("forget");
    await b.deleteDurable("forget"); // absent: no error
    const r2 = recorder();
    await b.subscribe(Subjects.blockAccept, r2.handler, { durable: "forget", deliverFrom: "all" });
    await r2.waitFor(1);
    expect(r2.texts()).toEqual(["d1"]);
  });

  test("a durable keeps its pattern; new delivery limits apply and its position is kept", async () => {
    const b = await ctx.bus();
    const first = recorder();
    const sub = await b.subscribe("koinos.block.*", first.handler, { durable: "svc" });
    await b.publish(Subjects.blockAccept, enc("k1"));
    await first.waitFor(1);
    await sub.close();
    await b.publish(Subjects.blockIrreversible, enc("k2"));
    await expectBusError(b.subscribe("koinos.block.accept", () => {}, { durable: "svc" }), BusErrorCode.DurableConflict);
    const second = recorder();
    await b.subscribe("koinos.block.*", second.handler, { durable: "svc", maxAckPending: 5, maxDeliver: 2 });
    await second.waitFor(1);
    await sleep(QUIET_MS);
    expect(second.texts()).toEqual(["k2"]);
  });
}
