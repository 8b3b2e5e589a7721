/** The idle collector collects once after work stops, never while it goes on, never when only a trickle happened. */
import { describe, expect, test } from "bun:test";
import { startIdleCollector } from "./idle-gc.ts";

describe("idle collector", () => {
  test("collects once when the activity count stops moving, again only after new activity", () => {
    let height = 0;
    let collected = 0;
    const c = startIdleCollector({ activity: () => height, intervalMs: 3_600_000, quietBelow: 5, collect: () => collected++ });
    try {
      c.tick();
      expect(collected).toBe(0); // idle from the start: nothing to hand back
      height = 30;
      c.tick();
      height = 70;
      c.tick();
      expect(collected).toBe(0); // busy
      height = 72;
      c.tick();
      expect(collected).toBe(1); // a quiet interval (a poller's two requests) after work
      c.tick();
      height = 74;
      c.tick();
      expect(collected).toBe(1); // stays quiet: no more collections
      height = 80;
      c.tick();
      c.tick();
      expect(collected).toBe(2);
      expect(c.collections).toBe(2);
    } finally {
      c.stop();
    }
  });

  test("an interval whose count cannot be read (services being replaced) is skipped, not thrown from the timer", () => {
    let height = 0;
    let swapping = false;
    let collected = 0;
    const activity = () => {
      if (swapping) throw new Error("the dev node is not running");
      return height;
    };
    const c = startIdleCollector({ activity, intervalMs: 3_600_000, quietBelow: 5, collect: () => collected++ });
    try {
      height = 50;
      c.tick(); // work
      swapping = true;
      expect(() => c.tick()).not.toThrow();
      expect(collected).toBe(0);
      swapping = false;
      c.tick(); // quiet after the work: the skipped interval did not lose it
      expect(collected).toBe(1);
    } finally {
      c.stop();
    }
  });

  test("the default collection runs a real full collection", () => {
    let height = 0;
    const c = startIdleCollector({ activity: () => height, intervalMs: 3_600_000 });
    try {
      height = 100;
      c.tick();
      c.tick();
      expect(c.collections).toBe(1);
    } finally {
      c.stop();
    }
  });
});
