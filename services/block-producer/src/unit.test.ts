/** The producer's health follows production: NOT_SERVING while it is stalled. */
import { describe, expect, test } from "bun:test";
import { isStalled } from "./unit.ts";

describe("isStalled", () => {
  const now = 1_000_000;
  test("interval mode: no block for longer than the allowed age (at least two intervals)", () => {
    expect(isStalled({ mode: "interval", intervalMs: 1000, lastProducedAt: now - 5_000, lastFailureAt: undefined }, 10_000, now)).toBe(false);
    expect(isStalled({ mode: "interval", intervalMs: 1000, lastProducedAt: now - 10_001, lastFailureAt: undefined }, 10_000, now)).toBe(true);
    expect(isStalled({ mode: "interval", intervalMs: 8000, lastProducedAt: now - 12_000, lastFailureAt: undefined }, 10_000, now)).toBe(false);
  });

  test("instant mode: only after a failed attempt and beyond the age (idle is not stalled)", () => {
    expect(isStalled({ mode: "instant", intervalMs: 1000, lastProducedAt: now - 60_000, lastFailureAt: undefined }, 10_000, now)).toBe(false);
    expect(isStalled({ mode: "instant", intervalMs: 1000, lastProducedAt: now - 60_000, lastFailureAt: now - 100 }, 10_000, now)).toBe(true);
    expect(isStalled({ mode: "instant", intervalMs: 1000, lastProducedAt: now - 5_000, lastFailureAt: now - 100 }, 10_000, now)).toBe(false);
  });

  test("manual mode is never stalled", () => {
    expect(isStalled({ mode: "manual", intervalMs: 1000, lastProducedAt: 0, lastFailureAt: now }, 10_000, now)).toBe(false);
  });
});
