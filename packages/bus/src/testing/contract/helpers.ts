/** Shared pieces of the contract suite: the per-test context, a message recorder, waiting helpers. */
import { expect } from "bun:test";
import { waitUntil } from "@cairn/test-utils";
import { isCairnError } from "@cairn/core";
import type { DeliveryOptions } from "../../delivery.ts";
import type { BusErrorCode } from "../../errors.ts";
import type { BusMessage, EventBus, MessageHandler } from "../../event-bus.ts";

/** What each test gets from the suite; valid inside a test only. */
export interface ContractContext {
  /** A started bus on the test's log (fast redelivery unless overridden), closed after the test. */
  bus(delivery?: DeliveryOptions): Promise<EventBus>;
  /** An unstarted bus on the test's log (not tracked: pass it to `track`). */
  connect(delivery?: DeliveryOptions): EventBus;
  /** Closes `bus` after the test. */
  track(bus: EventBus): void;
}

/** How long "nothing more arrives" is watched for. */
export const QUIET_MS = 150;

export const enc = (s: string) => new TextEncoder().encode(s);
export const dec = (b: Uint8Array) => new TextDecoder().decode(b);
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Records delivered messages (after `onMessage` resolved) and lets a test wait for a count. */
export function recorder(onMessage?: MessageHandler) {
  const seen: BusMessage[] = [];
  const handler: MessageHandler = async (m) => {
    await onMessage?.(m);
    seen.push(m);
  };
  return {
    seen,
    handler,
    texts: () => seen.map((m) => dec(m.data)),
    waitFor: (n: number, timeoutMs = 5_000) => waitUntil(() => seen.length >= n, timeoutMs, `${n} messages (have ${seen.length})`),
  };
}

export async function expectBusError(p: Promise<unknown>, code: BusErrorCode): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isCairnError(err) ? err.code : err).toBe(code);
}
