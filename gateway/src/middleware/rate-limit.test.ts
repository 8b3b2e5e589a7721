import { describe, expect, test } from "bun:test";
import { createRateLimiter } from "./rate-limit.ts";

describe("token bucket", () => {
  test("burst, then refill at the configured rate", () => {
    let now = 0;
    const limiter = createRateLimiter({ requestsPerSecond: 10, burst: 3, maxClients: 10 }, () => now);
    expect([1, 2, 3].map(() => limiter.take("a").ok)).toEqual([true, true, true]);
    expect(limiter.take("a")).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 100; // one token
    expect(limiter.take("a").ok).toBe(true);
    expect(limiter.take("a").ok).toBe(false);
    now += 10_000; // refills to the burst, not beyond
    expect(limiter.take("a", 3).ok).toBe(true);
    expect(limiter.take("a").ok).toBe(false);
  });

  test("clients are independent; a cost above the burst costs the whole bucket", () => {
    const limiter = createRateLimiter({ requestsPerSecond: 1, burst: 5, maxClients: 10 }, () => 0);
    expect(limiter.take("a", 50).ok).toBe(true);
    expect(limiter.take("a").ok).toBe(false);
    expect(limiter.take("b").ok).toBe(true);
  });

  test("retry-after reflects the missing tokens", () => {
    const limiter = createRateLimiter({ requestsPerSecond: 0.5, burst: 2, maxClients: 10 }, () => 0);
    limiter.take("a", 2);
    expect(limiter.take("a", 2)).toEqual({ ok: false, retryAfterSeconds: 4 });
  });

  test("bounded memory: idle (refilled) clients are dropped past maxClients", () => {
    let now = 0;
    const limiter = createRateLimiter({ requestsPerSecond: 1, burst: 1, maxClients: 3 }, () => now);
    for (const c of ["a", "b", "c"]) limiter.take(c);
    expect(limiter.size).toBe(3);
    now += 5000;
    limiter.take("d");
    expect(limiter.size).toBe(1);
    for (const c of ["e", "f", "g", "h"]) limiter.take(c); // all active: oldest evicted
    expect(limiter.size).toBeLessThanOrEqual(3);
  });
});
