import { expect, test } from "bun:test";
import { silentLogger } from "@cairn/core";
import { watchReadiness } from "./run-service.ts";

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
