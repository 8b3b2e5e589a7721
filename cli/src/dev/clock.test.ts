/** The dev node's clock: offset, pinned next-block time, release on the block that reaches it. */
import { describe, expect, test } from "bun:test";
import { createDevClock } from "./clock.ts";

describe("dev clock", () => {
  test("follows the wall clock plus what increase_time added", () => {
    let wall = 1_000;
    const clock = createDevClock(() => wall);
    expect(clock.now()).toBe(1_000n);
    clock.advance(500n);
    wall = 1_010;
    expect(clock.now()).toBe(1_510n);
    expect(clock.offsetMs).toBe(500n);
    clock.reset();
    expect(clock.now()).toBe(1_010n);
  });

  test("a pinned timestamp holds until a block reaches it, then time runs on from it", () => {
    let wall = 1_000;
    const clock = createDevClock(() => wall);
    clock.pin(5_000n);
    wall = 1_200;
    expect(clock.now()).toBe(5_000n);
    expect(clock.pinned).toBe(5_000n);
    clock.observeBlock(4_999n); // an earlier block does not release it
    expect(clock.now()).toBe(5_000n);
    clock.advance(100n); // moves with increase_time
    expect(clock.now()).toBe(5_100n);
    clock.observeBlock(5_100n);
    expect(clock.pinned).toBeUndefined();
    wall = 1_250;
    expect(clock.now()).toBe(5_150n);
    expect(clock.offsetMs).toBe(3_900n);
  });
});
