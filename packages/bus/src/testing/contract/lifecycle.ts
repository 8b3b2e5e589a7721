/** Lifecycle and validation: error codes before start, after close, on bad input. */
import { test } from "bun:test";
import { BusErrorCode } from "../../errors.ts";
import { Subjects } from "../../subjects.ts";
import { enc, expectBusError, type ContractContext } from "./helpers.ts";

export function registerLifecycleTests(ctx: ContractContext): void {
  test("lifecycle and validation errors carry bus codes", async () => {
    const unstarted = ctx.connect();
    ctx.track(unstarted);
    await expectBusError(unstarted.publish(Subjects.blockAccept, enc("x")), BusErrorCode.NotStarted);
    const b = await ctx.bus();
    await expectBusError(b.publish("koinos.block.*", enc("x")), BusErrorCode.InvalidSubject);
    await expectBusError(b.publish("koinos..block", enc("x")), BusErrorCode.InvalidSubject);
    await expectBusError(b.publish("other.subject", enc("x")), BusErrorCode.InvalidSubject);
    await expectBusError(b.subscribe("koinos.>.block", () => {}), BusErrorCode.InvalidSubject);
    await expectBusError(b.subscribe("koinos.>", () => {}, { durable: "bad.name" }), BusErrorCode.InvalidDurable);
    await expectBusError(b.subscribe("koinos.>", () => {}, { deliverFrom: { sequence: 0 } }), BusErrorCode.InvalidOptions);
    await expectBusError(b.subscribe("koinos.>", () => {}, { maxAckPending: 0 }), BusErrorCode.InvalidOptions);
    await expectBusError(b.subscribe("koinos.>", () => {}, { durable: "acked", acknowledge: false }), BusErrorCode.InvalidOptions);
    await b.close();
    await b.close();
    await expectBusError(b.publish(Subjects.blockAccept, enc("x")), BusErrorCode.Closed);
    await expectBusError(b.subscribe(Subjects.blockAccept, () => {}), BusErrorCode.Closed);
  });
}
