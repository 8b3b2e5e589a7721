/** Delivery settings shared by every implementation: in-flight limit, redelivery backoff, give-up count. */
import { CairnError, ErrorStatus } from "@cairn/core";
import { BusErrorCode } from "./errors.ts";
import type { DeliverFrom, SubscribeOptions } from "./event-bus.ts";

/** Bus-wide delivery defaults; each field can be overridden per subscription where noted. */
export interface DeliveryOptions {
  /**
   * Default `SubscribeOptions.maxAckPending`. Default 1: one message in flight per consumer keeps
   * blocks in order even across redeliveries.
   */
  maxAckPending?: number;
  /**
   * Default `SubscribeOptions.maxDeliver`. Default `Infinity`: a service applies blocks in order,
   * and skipping one would silently corrupt its state, so a failing message is retried (backoff
   * capped, an error logged each time) until an operator fixes the cause. Set a finite value for
   * consumers that can afford to drop a message.
   */
  maxDeliver?: number;
  /** Delay before the first redelivery of a failed message; doubled per failure. Default 100 ms. */
  redeliveryDelayMs?: number;
  /** Cap on the redelivery delay. Default 5,000 ms: recover quickly once the cause is gone. */
  maxRedeliveryDelayMs?: number;
}

/** {@link DeliveryOptions} with every default filled in. */
export type ResolvedDeliveryOptions = Required<DeliveryOptions>;

export const defaultDeliveryOptions: ResolvedDeliveryOptions = {
  maxAckPending: 1,
  maxDeliver: Infinity,
  redeliveryDelayMs: 100,
  maxRedeliveryDelayMs: 5_000,
};

export function resolveDeliveryOptions(o: DeliveryOptions = {}): ResolvedDeliveryOptions {
  const r = { ...defaultDeliveryOptions, ...stripUndefined(o) };
  if (!(r.maxAckPending >= 1)) throw new RangeError("maxAckPending must be >= 1");
  if (!(r.maxDeliver >= 1)) throw new RangeError("maxDeliver must be >= 1");
  return r;
}

/** A subscription's effective settings: its options over the bus defaults, validated. */
export interface SubscriptionSettings {
  deliverFrom: DeliverFrom;
  maxAckPending: number;
  maxDeliver: number;
  /** Handlers running at once, 1 … `maxAckPending`. */
  concurrency: number;
  /** False: at most once, no acknowledgement (`SubscribeOptions.acknowledge`). */
  acknowledge: boolean;
}

export function resolveSubscription(o: SubscribeOptions, defaults: ResolvedDeliveryOptions): SubscriptionSettings {
  const r = {
    deliverFrom: o.deliverFrom ?? "new",
    maxAckPending: o.maxAckPending ?? defaults.maxAckPending,
    maxDeliver: o.maxDeliver ?? defaults.maxDeliver,
    concurrency: o.concurrency ?? 1,
    acknowledge: o.acknowledge ?? true,
  };
  const from = r.deliverFrom;
  const badFrom = typeof from === "object" ? !(Number.isSafeInteger(from.sequence) && from.sequence >= 1) : from !== "new" && from !== "all";
  const badAck = !r.acknowledge && o.durable !== undefined;
  if (badFrom || badAck || !(Number.isSafeInteger(r.maxAckPending) && r.maxAckPending >= 1) || !(r.maxDeliver >= 1) || !(Number.isSafeInteger(r.concurrency) && r.concurrency >= 1)) {
    throw new CairnError(BusErrorCode.InvalidOptions, "invalid subscribe options", { status: ErrorStatus.InvalidArgument, data: { ...r } });
  }
  // Without acknowledgement a failed message is dropped, never delivered again.
  if (!r.acknowledge) return { ...r, maxDeliver: 1, concurrency: 1 };
  return { ...r, concurrency: Math.min(r.concurrency, r.maxAckPending) };
}

/** Delay before delivery number `deliveryCount + 1`, after `deliveryCount` failed deliveries. */
export function redeliveryDelay(o: ResolvedDeliveryOptions, deliveryCount: number): number {
  const exp = Math.min(Math.max(deliveryCount - 1, 0), 30);
  return Math.min(o.redeliveryDelayMs * 2 ** exp, o.maxRedeliveryDelayMs);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
