/**
 * One full garbage collection when the node goes quiet after work. JavaScriptCore collects when
 * allocation asks for it and lets the heap grow with the machine's RAM between collections; a node
 * that goes idle after a burst allocates almost nothing, so the burst's garbage (hundreds of MB
 * after 100,000 transfers) would stay resident until the next burst. Once the activity count
 * (blocks and requests) has moved less than `quietBelow` in a whole interval after an interval of
 * work, one synchronous full collection hands it back (the allocator returns the freed pages to
 * the system within seconds). Nothing runs while the node is busy, nor while it stays quiet: a
 * client polling the head, or blocks made on an interval, are not work enough to collect after.
 */
import type { Logger } from "@cairn/core";
import { heapSize } from "bun:jsc";

/** How often the collector looks at the activity count, ms. */
export const IDLE_GC_INTERVAL_MS = 1_000;
/** Fewer blocks plus requests than this in an interval is quiet. */
export const IDLE_GC_QUIET_BELOW = 10;

export interface IdleCollectorOptions {
  /**
   * A count that moves while the node works (the chain's head height plus the requests taken). It
   * may throw while there is none to read (services being replaced): that interval is skipped.
   */
  activity(): number;
  intervalMs?: number;
  /** An interval in which the count moved less than this is quiet; default {@link IDLE_GC_QUIET_BELOW}. */
  quietBelow?: number;
  /** The collection; default a synchronous full collection (`Bun.gc(true)`). */
  collect?(): void;
  logger?: Logger;
}

export interface IdleCollector {
  /** Collections made so far. */
  readonly collections: number;
  /** Looks once (what the timer does every interval). */
  tick(): void;
  stop(): void;
}

export function startIdleCollector(o: IdleCollectorOptions): IdleCollector {
  const collect = o.collect ?? (() => Bun.gc(true));
  const quietBelow = o.quietBelow ?? IDLE_GC_QUIET_BELOW;
  let last = o.activity();
  let worked = false;
  let collections = 0;
  const tick = () => {
    let now: number;
    try {
      now = o.activity();
    } catch {
      // No count to read at this moment (the dev node swaps its services on revert and reset):
      // this interval is skipped, the next one reads the new services.
      return;
    }
    const moved = Math.abs(now - last);
    last = now;
    if (moved >= quietBelow) {
      worked = true;
      return;
    }
    if (!worked) return;
    worked = false;
    const before = heapSize();
    const t0 = performance.now();
    collect();
    collections++;
    o.logger?.debug({ ms: Math.round(performance.now() - t0), heapMbBefore: Math.round(before / 1e6), heapMbAfter: Math.round(heapSize() / 1e6) }, "idle: full garbage collection");
  };
  const timer = setInterval(tick, o.intervalMs ?? IDLE_GC_INTERVAL_MS);
  timer.unref();
  return {
    get collections() {
      return collections;
    },
    tick,
    stop: () => clearInterval(timer),
  };
}
