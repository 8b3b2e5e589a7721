/**
 * `tailEvents`: follows the bus through a private (non-durable) consumer and writes every message
 * as one JSON line (see format.ts) until `limit` messages were written or `signal` aborts. Nothing
 * is left behind on the bus: the private consumer goes away with the subscription.
 */
import { ALL_KOINOS_SUBJECTS, assertPattern, type DeliverFrom, type EventBus, type Subscription } from "@cairn/bus";
import type { EventDecoder } from "@cairn/protocol";
import { eventLine } from "./format.ts";

/** What to follow and when to stop. */
export interface TailOptions {
  /** NATS pattern (`*` one token, `>` the rest). Default `koinos.>`: every Koinos subject. */
  subject?: string;
  /** Where to start: `"new"` (default, like `tail -f`), `"all"` (everything the stream holds) or `{ sequence }`. */
  from?: DeliverFrom;
  /** Stop after this many messages. Default: never (until `signal` aborts). */
  limit?: number;
  /** Print every payload as base64 instead of decoding it. Default false. */
  raw?: boolean;
  /** Stops the tail (Ctrl-C); the promise then resolves normally. */
  signal?: AbortSignal;
  /** Adds `decoded` to contract events whose ABI is known. Default none: events stay raw. */
  events?: EventDecoder;
}

/** How a tail ended. */
export interface TailResult {
  /** Lines written. */
  count: number;
  /** Why it stopped. */
  reason: "limit" | "aborted";
}

/** Messages pulled ahead of the handler (order is kept: the handler still runs one at a time). */
const PREFETCH = 256;

/** Tails `bus` (started), calling `write` with one JSON line (no newline) per message. */
export async function tailEvents(bus: EventBus, options: TailOptions, write: (line: string) => void): Promise<TailResult> {
  const subject = options.subject ?? ALL_KOINOS_SUBJECTS;
  assertPattern(subject);
  const limit = options.limit ?? Infinity;
  if (!(limit >= 1)) throw new RangeError("limit must be at least 1");
  if (options.signal?.aborted) return { count: 0, reason: "aborted" };

  let count = 0;
  let finish!: (reason: TailResult["reason"]) => void;
  const finished = new Promise<TailResult["reason"]>((resolve) => (finish = resolve));
  const onAbort = () => finish("aborted");
  options.signal?.addEventListener("abort", onAbort, { once: true });

  let subscription: Subscription | undefined;
  try {
    subscription = await bus.subscribe(
      subject,
      async (message) => {
        // Messages pulled before the subscription closes are acknowledged and dropped.
        if (count >= limit) return;
        const line = eventLine(message, options.raw === true);
        if (line.payload !== undefined && options.events !== undefined) await options.events.annotateAsync(line.payload);
        if (count >= limit) return;
        write(JSON.stringify(line));
        if (++count >= limit) finish("limit");
      },
      { deliverFrom: options.from ?? "new", maxAckPending: PREFETCH },
    );
    const reason = await finished;
    return { count, reason };
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await subscription?.close();
  }
}
