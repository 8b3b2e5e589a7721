/** Acknowledgement after the handler, redelivery when it throws, giving up after maxDeliver. */
import { expect, test } from "bun:test";
import { Subjects } from "../../subjects.ts";
import { enc, dec, sleep, recorder, QUIET_MS, type ContractContext } from "./helpers.ts";

export function registerRedeliveryTests(ctx: ContractContext): void {
  test("a handler that throws gets the message again, before any later message", async () => {
    const b = await ctx.bus();
    const deliveries: string[] = [];
    let failures = 0;
    const r = recorder(async (m) => {
      deliveries.push(`${dec(m.data)}#${m.deliveryCount}${m.redelivered ? "r" : ""}`);
      if (dec(m.data) === "m1" && failures < 2) {
        failures++;
        throw new Error("not yet");
      }
    });
    await b.subscribe(Subjects.blockAccept, r.handler, { durable: "retrying" });
    await b.publishMany([
      { subject: Subjects.blockAccept, data: enc("m1") },
      { subject: Subjects.blockAccept, data: enc("m2") },
    ]);
    await r.waitFor(2);
    expect(deliveries).toEqual(["m1#1", "m1#2r", "m1#3r", "m2#1"]);
    expect(r.texts()).toEqual(["m1", "m2"]);
  });

  test("a private subscription also redelivers when its handler throws", async () => {
    const b = await ctx.bus();
    let thrown = false;
    const r = recorder(() => {
      if (!thrown) {
        thrown = true;
        throw new Error("once");
      }
    });
    await b.subscribe(Subjects.transactionFail, r.handler);
    await b.publish(Subjects.transactionFail, enc("f1"));
    await r.waitFor(1);
    expect(r.seen[0]!.deliveryCount).toBe(2);
    expect(r.seen[0]!.redelivered).toBe(true);
  });

  test("without acknowledgement every message comes once, in order, and a failing one is dropped", async () => {
    const b = await ctx.bus({ redeliveryDelayMs: 20, maxRedeliveryDelayMs: 20 });
    const handed: string[] = [];
    const r = recorder((m) => {
      handed.push(`${dec(m.data)}#${m.deliveryCount}${m.redelivered ? "r" : ""}`);
      if (dec(m.data) === "m2") throw new Error("dropped");
    });
    await b.subscribe(Subjects.mempoolAccept, r.handler, { acknowledge: false });
    await b.publishMany(["m1", "m2", "m3"].map((t) => ({ subject: Subjects.mempoolAccept, data: enc(t) })));
    await r.waitFor(2);
    await sleep(QUIET_MS);
    expect(handed).toEqual(["m1#1", "m2#1", "m3#1"]);
    expect(r.texts()).toEqual(["m1", "m3"]);
    expect(r.seen[0]!.sequence).toBeLessThan(r.seen[1]!.sequence);
  });

  test("with maxAckPending > 1 a failing message does not hold back later ones", async () => {
    const b = await ctx.bus({ redeliveryDelayMs: 150, maxRedeliveryDelayMs: 150 });
    const deliveries: string[] = [];
    const r = recorder((m) => {
      deliveries.push(`${dec(m.data)}#${m.deliveryCount}`);
      if (m.deliveryCount === 1 && dec(m.data) === "m1") throw new Error("once");
    });
    await b.subscribe(Subjects.transactionAccept, r.handler, { durable: "unordered", maxAckPending: 10 });
    await b.publishMany(["m1", "m2"].map((t) => ({ subject: Subjects.transactionAccept, data: enc(t) })));
    await r.waitFor(2);
    expect(deliveries).toEqual(["m1#1", "m2#1", "m1#2"]);
  });

  test("with concurrency > 1 handlers run together, started in order, each acked after its own", async () => {
    const b = await ctx.bus({ redeliveryDelayMs: 20, maxRedeliveryDelayMs: 20 });
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let running = 0;
    let most = 0;
    const r = recorder(async (m) => {
      started.push(`${dec(m.data)}#${m.deliveryCount}`);
      running++;
      most = Math.max(most, running);
      await gate;
      running--;
      if (m.deliveryCount === 1 && dec(m.data) === "m2") throw new Error("once");
    });
    await b.subscribe(Subjects.transactionAccept, r.handler, { durable: "together", maxAckPending: 8, concurrency: 8 });
    await b.publishMany(["m1", "m2", "m3", "m4"].map((t) => ({ subject: Subjects.transactionAccept, data: enc(t) })));
    for (let i = 0; i < 100 && started.length < 4; i++) await sleep(10);
    expect(started).toEqual(["m1#1", "m2#1", "m3#1", "m4#1"]);
    release();
    await r.waitFor(4);
    expect(most).toBe(4);
    expect(started.at(-1)).toBe("m2#2");
    expect(r.texts().sort()).toEqual(["m1", "m2", "m3", "m4"]);
  });

  test("after maxDeliver failed deliveries the message is dropped and later ones flow", async () => {
    const b = await ctx.bus();
    const attempts: string[] = [];
    const r = recorder((m) => {
      attempts.push(dec(m.data));
      if (dec(m.data) === "poison") throw new Error("always");
    });
    await b.subscribe(Subjects.blockAccept, r.handler, { durable: "bounded", maxDeliver: 3 });
    await b.publish(Subjects.blockAccept, enc("poison"));
    await b.publish(Subjects.blockAccept, enc("fine"));
    await r.waitFor(1);
    await sleep(QUIET_MS);
    expect(attempts).toEqual(["poison", "poison", "poison", "fine"]);
    expect(r.texts()).toEqual(["fine"]);
  });
}
