/**
 * Load generators, run in the benchmark's own process (never the node's): ordered submission by
 * many senders (each sends its pre-built bodies one after the other, as a wallet sends nonces in
 * order) and closed-loop read load (N concurrent keep-alive requests, each sent when the previous
 * answered). Both record every request's latency.
 */
import { latencySummary, round } from "./util.ts";

export interface SubmitResult {
  /** Requests answered without an error, per sender. */
  submittedPerSender: number[];
  submitted: number;
  elapsedMs: number;
  /** Submit latency, from a transfer's first send to its acceptance (waits and retries included). */
  latency: { p50_ms: number; p99_ms: number };
  /** Refusals to try again later (the chain's backpressure) that were sent again after a wait. */
  retries: number;
}

/** How long a sender waits before sending a refused-for-now transfer again, ms. */
export const RETRY_AFTER_MS = 50;

/**
 * The chain's backpressure: "too many transactions awaiting the mempool … try again shortly"
 * (`pending_transaction_limit_exceeded`), nothing accepted. A client sends it again later.
 */
export function isTryAgain(json: { error?: unknown }): boolean {
  const e = json.error as { message?: unknown } | undefined;
  return typeof e?.message === "string" && e.message.startsWith("too many transactions awaiting the mempool");
}

/**
 * Each sender posts its bodies in order, one at a time; stops early (keeping the order) once
 * `deadline` (performance.now() ms) passes or `enough(submitted, elapsedMs)` says so. A refusal
 * to try again later (`isTryAgain`) is sent again after `RETRY_AFTER_MS`, as a client would, and
 * counted; any other error answer fails the run: a transfer signed ahead must be accepted.
 */
export async function submitOrdered(url: string, bodies: string[][], deadline = Number.POSITIVE_INFINITY, isError: (json: { error?: unknown }) => boolean = (j) => j.error !== undefined, enough?: (submitted: number, elapsedMs: number) => boolean): Promise<SubmitResult> {
  const total = bodies.reduce((n, l) => n + l.length, 0);
  const latencies = new Float64Array(total);
  let n = 0;
  let retries = 0;
  const submittedPerSender = bodies.map(() => 0);
  const t0 = performance.now();
  await Promise.all(
    bodies.map(async (list, s) => {
      for (const body of list) {
        const now = performance.now();
        if (now > deadline || enough?.(n, now - t0)) return;
        const start = performance.now();
        for (;;) {
          const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
          const json = (await res.json()) as { error?: unknown };
          if (isTryAgain(json)) {
            retries++;
            if (performance.now() > deadline) return;
            await Bun.sleep(RETRY_AFTER_MS);
            continue;
          }
          if (isError(json)) throw new Error(`submit rejected: ${JSON.stringify(json.error).slice(0, 400)}`);
          break;
        }
        latencies[n++] = performance.now() - start;
        submittedPerSender[s]!++;
      }
    }),
  );
  const elapsedMs = performance.now() - t0;
  return { submittedPerSender, submitted: n, elapsedMs, latency: latencySummary(latencies.subarray(0, n)), retries };
}

export interface ReadResult {
  requests: number;
  errors: number;
  requests_per_second: number;
  p50_ms: number;
  p99_ms: number;
  concurrency: number;
  seconds: number;
}

/**
 * Closed-loop load: `concurrency` loops, each posting `body()` and waiting for the whole answer,
 * for `durationMs` after a `warmupMs` warm-up that is not counted. `check` validates an answer
 * (a wrong answer counts as an error, not as a request served).
 */
export async function readLoad(url: string, body: () => string, o: { concurrency: number; durationMs: number; warmupMs?: number; check?: (text: string) => boolean }): Promise<ReadResult> {
  const check = o.check ?? ((t: string) => !t.includes('"error"'));
  const latencies: number[] = [];
  let errors = 0;
  const warmEnd = performance.now() + (o.warmupMs ?? 0);
  const end = warmEnd + o.durationMs;
  let counting = false;
  const loop = async () => {
    while (performance.now() < end) {
      const start = performance.now();
      let ok = false;
      try {
        const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: body() });
        ok = res.ok && check(await res.text());
      } catch {
        ok = false;
      }
      const done = performance.now();
      if (start >= warmEnd && done <= end) {
        counting = true;
        if (ok) latencies.push(done - start);
        else errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, loop));
  void counting;
  const seconds = o.durationMs / 1000;
  return { requests: latencies.length, errors, requests_per_second: round(latencies.length / seconds), ...latencySummary(latencies), concurrency: o.concurrency, seconds };
}
