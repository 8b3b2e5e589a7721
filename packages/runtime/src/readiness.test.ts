import { expect, test } from "bun:test";
import { createMetricsRegistry, silentLogger } from "@cairn/core";
import { databaseMetrics, watchReadiness } from "./run-service.ts";

test("health follows the database: NOT_SERVING while it does not answer, SERVING when it is back", async () => {
  let up = true;
  const calls: boolean[] = [];
  const timer = watchReadiness({ ping: async () => (up ? undefined : Promise.reject(new Error("connection refused"))) }, (s) => calls.push(s), silentLogger(), 20);
  await Bun.sleep(70);
  expect(calls).toEqual([]);
  up = false;
  await Bun.sleep(70);
  expect(calls).toEqual([false]);
  up = true;
  await Bun.sleep(70);
  expect(calls).toEqual([false, true]);
  clearInterval(timer);
});

test("a ping that hangs counts as unreachable", async () => {
  const calls: boolean[] = [];
  const timer = watchReadiness({ ping: () => new Promise(() => {}) }, (s) => calls.push(s), silentLogger(), 20);
  await Bun.sleep(100);
  expect(calls[0]).toBe(false);
  clearInterval(timer);
});

test("database metrics: up and ping time", async () => {
  const registry = createMetricsRegistry("t", false);
  let up = true;
  const timer = watchReadiness({ ping: async () => (up ? undefined : Promise.reject(new Error("down"))) }, () => {}, silentLogger(), 20, databaseMetrics(registry));
  await Bun.sleep(70);
  let text = await registry.metrics();
  expect(text).toContain('cairn_database_up{service="t"} 1');
  expect(text).toMatch(/cairn_database_ping_duration_seconds_count\{service="t"\} [1-9]/);
  up = false;
  await Bun.sleep(70);
  text = await registry.metrics();
  expect(text).toContain('cairn_database_up{service="t"} 0');
  clearInterval(timer);
});
