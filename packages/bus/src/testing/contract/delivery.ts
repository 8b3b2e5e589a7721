/** Publishing and subscribing: subjects, wildcards, order, pipelining, start position. */
import { expect, test } from "bun:test";
import { contractEventSubject, Subjects } from "../../subjects.ts";
import { enc, dec, sleep, recorder, QUIET_MS, type ContractContext } from "./helpers.ts";

export function registerDeliveryTests(ctx: ContractContext): void {
  test("delivers a message on its exact subject with its data and sequence", async () => {
    const b = await ctx.bus();
    const r = recorder();
    await b.subscribe(Subjects.blockAccept, r.handler);
    await b.publish(Subjects.blockIrreversible, enc("other"));
    const ack = await b.publish(Subjects.blockAccept, enc("block-1"));
    await r.waitFor(1);
    await sleep(QUIET_MS);
    expect(r.seen).toHaveLength(1);
    const m = r.seen[0]!;
    expect(m.subject).toBe(Subjects.blockAccept);
    expect(dec(m.data)).toBe("block-1");
    expect(m.sequence).toBe(ack.sequence);
    expect(m.deliveryCount).toBe(1);
    expect(m.redelivered).toBe(false);
  });

  test("'*' matches exactly one token", async () => {
    const b = await ctx.bus();
    const r = recorder();
    await b.subscribe("koinos.block.*", r.handler);
    for (const s of [Subjects.blockAccept, Subjects.transactionAccept, "koinos.block.accept.extra", Subjects.blockIrreversible, Subjects.blockForks]) {
      await b.publish(s, enc(s));
    }
    await r.waitFor(3);
    await sleep(QUIET_MS);
    expect(r.texts()).toEqual([Subjects.blockAccept, Subjects.blockIrreversible, Subjects.blockForks]);
  });

  test("'>' matches one or more trailing tokens", async () => {
    const b = await ctx.bus();
    const events = recorder();
    const all = recorder();
    const contract = "1NsQbH5AhQXgtSNg1ejpFqTi2hmCWz1eQS";
    await b.subscribe(`koinos.event.${contract}.>`, events.handler);
    await b.subscribe("koinos.>", all.handler);
    const transfer = contractEventSubject(contract, "koinos.contracts.token.transfer_event");
    await b.publishMany([
      { subject: transfer, data: enc("transfer") },
      { subject: contractEventSubject(contract, "mint"), data: enc("mint") },
      { subject: contractEventSubject("1AnotherContract", "mint"), data: enc("elsewhere") },
      { subject: Subjects.mempoolAccept, data: enc("mempool") },
    ]);
    await all.waitFor(4);
    await events.waitFor(2);
    await sleep(QUIET_MS);
    expect(events.texts()).toEqual(["transfer", "mint"]);
    expect(events.seen[0]!.subject).toBe(transfer);
    expect(all.texts()).toEqual(["transfer", "mint", "elsewhere", "mempool"]);
  });

  test("delivers 1,000 messages in publish order, to durable and private consumers", async () => {
    const b = await ctx.bus();
    const durable = recorder();
    const private_ = recorder();
    await b.subscribe(Subjects.transactionAccept, durable.handler, { durable: "ordered" });
    await b.subscribe(Subjects.transactionAccept, private_.handler);
    const sent = Array.from({ length: 1000 }, (_, i) => `tx-${i}`);
    const acks = await b.publishMany(sent.map((t) => ({ subject: Subjects.transactionAccept, data: enc(t) })));
    for (let i = 1; i < acks.length; i++) expect(acks[i]!.sequence).toBeGreaterThan(acks[i - 1]!.sequence);
    await durable.waitFor(1000, 15_000);
    await private_.waitFor(1000, 15_000);
    expect(durable.texts()).toEqual(sent);
    expect(private_.texts()).toEqual(sent);
    expect(durable.seen.map((m) => m.sequence)).toEqual(acks.map((a) => a.sequence));
  });

  test("pipelined publish calls are stored in call order", async () => {
    const b = await ctx.bus();
    const sent = Array.from({ length: 300 }, (_, i) => `p-${i}`);
    const acks = await Promise.all(sent.map((t) => b.publish(Subjects.mempoolAccept, enc(t))));
    for (let i = 1; i < acks.length; i++) expect(acks[i]!.sequence).toBe(acks[i - 1]!.sequence + 1);
    const r = recorder();
    await b.subscribe(Subjects.mempoolAccept, r.handler, { deliverFrom: "all" });
    await r.waitFor(sent.length);
    expect(r.texts()).toEqual(sent);
  });

  test("deliverFrom: 'all' replays history, { sequence } starts there, 'new' skips it", async () => {
    const b = await ctx.bus();
    const acks = await b.publishMany(["h1", "h2", "h3"].map((t) => ({ subject: Subjects.blockAccept, data: enc(t) })));
    const all = recorder();
    const fromSecond = recorder();
    const fresh = recorder();
    await b.subscribe(Subjects.blockAccept, all.handler, { deliverFrom: "all", durable: "replay" });
    await b.subscribe(Subjects.blockAccept, fromSecond.handler, { deliverFrom: { sequence: acks[1]!.sequence } });
    await b.subscribe(Subjects.blockAccept, fresh.handler);
    await b.publish(Subjects.blockAccept, enc("h4"));
    await all.waitFor(4);
    await fromSecond.waitFor(3);
    await fresh.waitFor(1);
    await sleep(QUIET_MS);
    expect(all.texts()).toEqual(["h1", "h2", "h3", "h4"]);
    expect(fromSecond.texts()).toEqual(["h2", "h3", "h4"]);
    expect(fresh.texts()).toEqual(["h4"]);
  });
}
