/**
 * The dev node's clock: the wall clock plus an offset that only `dev.increase_time` and
 * `dev.set_next_block_time` change. The chain (block timestamp bounds, reads at the pending
 * block), the block producer (block timestamps) and the mempool (expiry) all read it, so moving
 * it forward is seen by every rule that uses time — KOIN mana regeneration first of all, which
 * follows block time.
 *
 * `pin(ts)` fixes the next block's timestamp: until a block with that timestamp (or later) is
 * seen, `now()` answers `ts`; then the clock keeps running from `ts` (anvil's
 * `evm_setNextBlockTimestamp`).
 */

export interface DevClock {
  /** ms since epoch, as the chain, producer and mempool see it. */
  now(): bigint;
  /** The clock minus the wall clock, ms. */
  readonly offsetMs: bigint;
  /** The timestamp fixed for the next block, if any. */
  readonly pinned: bigint | undefined;
  /** Moves the clock forward by `ms` (a pinned timestamp moves with it). */
  advance(ms: bigint): void;
  /** Fixes the next block's timestamp. */
  pin(timestamp: bigint): void;
  /** A block with `timestamp` was applied: a pin it reached is released (time runs on from it). */
  observeBlock(timestamp: bigint): void;
  /** Back to the wall clock, nothing pinned. */
  reset(): void;
  /** Puts back a state read from `offsetMs` and `pinned` (a restart of a node with a data directory). */
  restore(offsetMs: bigint, pinned: bigint | undefined): void;
}

/** Builds the clock; `wall` is the real clock in ms (tests pass their own). */
export function createDevClock(wall: () => number = Date.now): DevClock {
  let offset = 0n;
  let pinned: bigint | undefined;
  const real = () => BigInt(wall());
  return {
    now: () => pinned ?? real() + offset,
    get offsetMs() {
      return pinned === undefined ? offset : pinned - real();
    },
    get pinned() {
      return pinned;
    },
    advance(ms) {
      if (pinned !== undefined) pinned += ms;
      else offset += ms;
    },
    pin(timestamp) {
      pinned = timestamp;
    },
    observeBlock(timestamp) {
      if (pinned === undefined || timestamp < pinned) return;
      offset = pinned - real();
      pinned = undefined;
    },
    reset() {
      offset = 0n;
      pinned = undefined;
    },
    restore(offsetMs, pin) {
      offset = offsetMs;
      pinned = pin;
    },
  };
}
