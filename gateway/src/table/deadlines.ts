/**
 * The gateway's own per-call deadline, as a safety net behind the clients' deadlines (both Cairn
 * clients enforce the `deadlineMs` they are given; this covers any client that does not). One
 * coarse ticker serves every pending call instead of a timer per call: on the hot path a timer
 * per request costs more than the rest of the bookkeeping. Precision is one tick (25 ms).
 */

const TICK_MS = 25;

interface Pending {
  readonly at: number;
  readonly expire: () => void;
}

const pending = new Set<Pending>();
let ticker: ReturnType<typeof setInterval> | undefined;

function tick(): void {
  const now = performance.now();
  for (const p of pending) {
    if (p.at <= now) {
      pending.delete(p);
      p.expire();
    }
  }
  if (pending.size === 0 && ticker !== undefined) {
    clearInterval(ticker);
    ticker = undefined;
  }
}

/** `promise`, or a rejection with `timeout()` once `ms` have passed (within one tick). */
export function withDeadline<T>(promise: Promise<T>, ms: number, timeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const entry: Pending = { at: performance.now() + ms, expire: () => reject(timeout()) };
    pending.add(entry);
    if (ticker === undefined) {
      ticker = setInterval(tick, TICK_MS);
      (ticker as { unref?: () => void }).unref?.();
    }
    promise.then(
      (v) => {
        pending.delete(entry);
        resolve(v);
      },
      (e: unknown) => {
        pending.delete(entry);
        reject(e);
      },
    );
  });
}
