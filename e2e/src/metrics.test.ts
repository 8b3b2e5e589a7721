/**
 * The one-process node's /metrics (every service's metrics and the gateway's in one registry)
 * passes `promtool check metrics`, and carries the head block age. The multi-process suite
 * (cluster.test.ts) checks each service's own endpoint, with the NATS and consumer-lag gauges.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { findPromtool, promtoolProblems, sampleValue } from "./promtool.ts";
import { type E2eTarget, rpc, startTarget } from "./target.ts";

const promtool = findPromtool();
let target: E2eTarget | undefined;
beforeAll(async () => {
  target = await startTarget({}, { local: true });
});
afterAll(async () => {
  await target?.stop();
});

test.skipIf(!promtool)("/metrics is promtool-clean and reports the head block's age", async () => {
  const text = await (await fetch(`${target!.url}/metrics`)).text();
  expect(await promtoolProblems(promtool!, text)).toBe("");
  expect(text).not.toMatch(/^# TYPE \S+_total gauge$/m);
  const head = (await rpc(target!.url, "chain.get_head_info")).result as { head_block_time: string };
  const age = sampleValue(text, "cairn_chain_head_block_age_seconds");
  expect(age).toBeDefined();
  // Scraped after the head info was read: the age is at least what it was then, and not absurd.
  expect(age!).toBeGreaterThanOrEqual(0);
  expect(age!).toBeLessThan((Date.now() - Number(head.head_block_time)) / 1000 + 60);
  expect(sampleValue(text, "cairn_chain_head_height")).toBeGreaterThanOrEqual(1);
});

test.skipIf(!promtool)("the head block age grows while no block is produced", async () => {
  const read = async () => sampleValue(await (await fetch(`${target!.url}/metrics`)).text(), "cairn_chain_head_block_age_seconds")!;
  const first = await read();
  await Bun.sleep(1_200);
  expect(await read()).toBeGreaterThan(first + 1);
});
