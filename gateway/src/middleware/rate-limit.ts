/**
 * Per-client token buckets: each client (by IP) gets `burst` tokens, refilled at
 * `requestsPerSecond`; a JSON-RPC call or REST request takes one. Buckets live in a Map bounded
 * by `maxClients`: past it, buckets that have refilled completely (idle clients) are dropped.
 */

/** Options of the limiter (the `rateLimit` section). */
export interface RateLimiterOptions {
  readonly requestsPerSecond: number;
  readonly burst: number;
  readonly maxClients: number;
}

/** The verdict for one request. */
export type RateVerdict = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

/** A token-bucket limiter keyed by client. */
export interface RateLimiter {
  /** Takes `cost` tokens (at most `burst`) from `client`'s bucket, all or none. */
  take(client: string, cost?: number): RateVerdict;
  /** Clients currently tracked. */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in ms. */
  at: number;
}

const OK: RateVerdict = { ok: true };

/** Builds a limiter; `now` (ms, monotonic) is injectable for tests. */
export function createRateLimiter(options: RateLimiterOptions, now: () => number = () => performance.now()): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const perMs = options.requestsPerSecond / 1000;

  const refill = (b: Bucket, t: number) => {
    b.tokens = Math.min(options.burst, b.tokens + (t - b.at) * perMs);
    b.at = t;
  };

  const sweep = (t: number) => {
    for (const [key, b] of buckets) {
      refill(b, t);
      if (b.tokens >= options.burst) buckets.delete(key);
    }
    // Still full of active clients: drop the oldest entries rather than grow without bound.
    for (const key of buckets.keys()) {
      if (buckets.size < options.maxClients) break;
      buckets.delete(key);
    }
  };

  return {
    take(client, cost = 1) {
      const t = now();
      let b = buckets.get(client);
      if (b === undefined) {
        if (buckets.size >= options.maxClients) sweep(t);
        b = { tokens: options.burst, at: t };
        buckets.set(client, b);
      } else {
        refill(b, t);
      }
      // A call larger than the bucket could never pass: it costs a full bucket instead.
      const price = Math.min(cost, options.burst);
      if (b.tokens >= price) {
        b.tokens -= price;
        return OK;
      }
      const missing = price - b.tokens;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / perMs / 1000)) };
    },
    get size() {
      return buckets.size;
    },
  };
}
