/** Abort, delay and retry utilities. */
import type { Logger } from "./logger.ts";

/** Resolves after `ms`, or rejects with the signal's reason when aborted first. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface RetryOptions {
  /** What is being waited for, for the log line. */
  what: string;
  /** First delay; doubled after each failure up to `maxDelayMs`. Default 200 ms. */
  initialDelayMs?: number;
  /** Default 5000 ms. */
  maxDelayMs?: number;
  /** Give up after this long (ms); default forever. */
  timeoutMs?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /**
   * Whether a failure may pass if waited for (a server still starting); a permanent one (a
   * database that does not exist, a wrong password) is thrown at once. Default: every failure.
   */
  retryable?: (err: unknown) => boolean;
}

/** Calls `fn` until it resolves, with exponential backoff, logging each wait; permanent failures are thrown at once. */
export async function retryWithBackoff<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  let wait = opts.initialDelayMs ?? 200;
  const max = opts.maxDelayMs ?? 5000;
  const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (opts.retryable !== undefined && !opts.retryable(err)) throw err;
      if (Date.now() + wait > deadline) throw err;
      opts.logger?.warn({ what: opts.what, attempt, retryInMs: wait, err: String(err) }, "waiting for dependency");
      await delay(wait, opts.signal);
      wait = Math.min(wait * 2, max);
    }
  }
}

/**
 * Runs `fn` every `ms` until `signal` aborts, one run at a time: the next wait starts once the last
 * run has settled, so a slow run never overlaps the next. A run that fails is passed to `onError`
 * and the loop goes on. The timer does not keep the process alive. `ms` ≤ 0 runs nothing.
 * Returns a promise that resolves once `signal` has aborted and a run in progress has settled.
 */
export function repeatEvery(ms: number, fn: () => Promise<unknown>, opts: { signal: AbortSignal; onError?: (err: unknown) => void }): Promise<void> {
  if (ms <= 0 || opts.signal.aborted) return Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const arm = () => {
    timer = setTimeout(() => {
      running = fn()
        .catch((err: unknown) => opts.onError?.(err))
        .finally(() => {
          if (!opts.signal.aborted) arm();
        });
    }, ms);
    timer.unref?.();
  };
  arm();
  return new Promise((resolve) => {
    opts.signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        void running.then(() => resolve());
      },
      { once: true },
    );
  });
}

/** A FIFO async mutex: `run(fn)` runs `fn` after every earlier `run` has settled. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Mutexes by key (e.g. one per account), dropped when idle. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T> | T): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const result = prev.then(fn, fn);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
