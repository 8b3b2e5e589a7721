/**
 * The in-process event bus (one-process mode and tests): a `MemoryBroker` plays the NATS server
 * (log + consumers), each `MemoryEventBus` is one client of it. Same semantics as the NATS bus.
 */
import { silentLogger, type Logger } from "@cairn/core";
import { resolveDeliveryOptions, resolveSubscription, type DeliveryOptions, type ResolvedDeliveryOptions } from "../delivery.ts";
import { EventMessage } from "../event-message.ts";
import { isFresh } from "../fresh-bytes.ts";
import { closed, durableConflict, durableInUse, invalidSubject, notStarted } from "../errors.ts";
import type { DeliverFrom, EventBus, MessageHandler, OutgoingMessage, PublishAck, SubscribeOptions, Subscription } from "../event-bus.ts";
import { ALL_KOINOS_SUBJECTS, assertDurableName, assertPattern, assertSubject, subjectMatches } from "../subjects.ts";
import { MemoryConsumer, type ConsumerSettings } from "./consumer.ts";
import { MemoryLog, type MemoryLogLimits } from "./log.ts";

export interface MemoryBrokerOptions extends MemoryLogLimits {
  /** Subjects the log captures; publishing elsewhere is rejected (as with a JetStream stream). Default `["koinos.>"]`. */
  subjects?: string[];
}

/** The shared state behind one or more in-process buses: the log and the consumers. */
export class MemoryBroker {
  readonly log: MemoryLog;
  readonly subjects: readonly string[];
  /** Durable consumers by name; they outlive the subscriptions using them. */
  readonly durables = new Map<string, MemoryConsumer>();
  /** Every consumer (durable or private) to wake on a new message. */
  readonly consumers = new Set<MemoryConsumer>();

  constructor(options: MemoryBrokerOptions = {}) {
    this.log = new MemoryLog(options);
    this.subjects = options.subjects ?? [ALL_KOINOS_SUBJECTS];
    this.subjects.forEach(assertPattern);
  }

  /**
   * Every consumer with a live subscription has handled (and acknowledged) every message it
   * takes: nothing published so far is still on its way (the dev node's snapshots wait for it).
   */
  get settled(): boolean {
    for (const c of this.consumers) if (c.memberCount > 0 && !c.settled) return false;
    return true;
  }

  /** The lowest sequence some consumer has yet to handle; the first retained one when there is no consumer. */
  private handledBelow(): number {
    if (this.consumers.size === 0) return this.log.firstSequence;
    let low = Number.POSITIVE_INFINITY;
    for (const c of this.consumers) low = Math.min(low, c.handledBelow);
    return low;
  }

  /**
   * Stores `data` on `subject` with its decoded `payload` when given. An `EventMessage` is kept as
   * it is (its payload with it): its bytes are encoded only if someone reads them.
   */
  append(subject: string, data: Uint8Array | EventMessage, payload?: object): number {
    if (!this.subjects.some((p) => subjectMatches(p, subject))) throw invalidSubject(subject, "not captured by the bus log");
    // Bytes of unknown origin are copied: the publisher may reuse its buffer.
    const stored = data instanceof EventMessage ? data : isFresh(data) ? data : data.slice();
    const sequence = this.log.append(subject, stored, data instanceof EventMessage ? data.payload : payload);
    for (const c of this.consumers) c.schedule();
    if (this.log.keepHandled !== Number.POSITIVE_INFINITY) this.log.release(this.handledBelow());
    // After the release: a message dropped already leaves the payload window without being encoded.
    this.log.closePayloadWindow();
    return sequence;
  }
}

/** A fresh broker; pass it to several `createMemoryEventBus` calls to let them share one log. */
export function createMemoryBroker(options: MemoryBrokerOptions = {}): MemoryBroker {
  return new MemoryBroker(options);
}

export interface MemoryEventBusOptions extends MemoryBrokerOptions, DeliveryOptions {
  /**
   * The broker to attach to (several buses on one broker behave like several processes on one
   * NATS server). Default: a private broker built from the other options.
   */
  broker?: MemoryBroker;
}

export interface MemoryEventBusDeps {
  /** Default: silent. */
  logger?: Logger;
}

/** Builds an in-process bus. No side effects until `start()`. */
export function createMemoryEventBus(options: MemoryEventBusOptions = {}, deps: MemoryEventBusDeps = {}): EventBus {
  return new MemoryEventBus(options, deps.logger ?? silentLogger());
}

let privateConsumerCounter = 0;

class MemoryEventBus implements EventBus {
  private readonly delivery: ResolvedDeliveryOptions;
  private broker: MemoryBroker | undefined;
  private state: "new" | "started" | "closing" | "closed" = "new";
  private readonly subscriptions = new Set<Subscription>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly options: MemoryEventBusOptions,
    private readonly logger: Logger,
  ) {
    this.delivery = resolveDeliveryOptions(options);
  }

  async start(): Promise<void> {
    if (this.state === "closing" || this.state === "closed") throw closed();
    this.broker ??= this.options.broker ?? createMemoryBroker(this.options);
    this.state = "started";
  }

  async publish(subject: string, data: Uint8Array, payload?: object): Promise<PublishAck> {
    const broker = this.live();
    assertSubject(subject);
    return { sequence: broker.append(subject, data, payload) };
  }

  async publishMany(messages: readonly OutgoingMessage[]): Promise<PublishAck[]> {
    const broker = this.live();
    messages.forEach((m) => assertSubject(m.subject));
    // An `EventMessage` goes in whole, so its bytes are encoded only when read.
    return messages.map((m) => ({ sequence: broker.append(m.subject, m instanceof EventMessage && !m.encoded ? m : m.data, m.payload) }));
  }

  async subscribe(pattern: string, handler: MessageHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    const broker = this.live();
    if (this.state === "closing") throw closed();
    assertPattern(pattern);
    if (options.durable !== undefined) assertDurableName(options.durable);
    const { deliverFrom, maxAckPending, maxDeliver, concurrency } = resolveSubscription(options, this.delivery);
    const settings: ConsumerSettings = { filter: pattern, maxAckPending, maxDeliver };
    const durable = options.durable;
    let consumer = durable === undefined ? undefined : broker.durables.get(durable);
    if (consumer) {
      if (consumer.filter !== pattern) throw durableConflict(durable!, consumer.filter, pattern);
      consumer.update(settings);
    }
    else {
      const name = durable ?? `private_${++privateConsumerCounter}`;
      consumer = new MemoryConsumer(name, settings, startSequence(broker, deliverFrom), broker.log, this.delivery, this.logger.child({ consumer: name }));
      if (durable !== undefined) broker.durables.set(durable, consumer);
      broker.consumers.add(consumer);
    }
    const c = consumer;
    const member = c.addMember(handler, concurrency);
    let closing: Promise<void> | undefined;
    const subscription: Subscription = {
      durable,
      close: () =>
        (closing ??= (async () => {
          await c.removeMember(member);
          if (durable === undefined) broker.consumers.delete(c);
          this.subscriptions.delete(subscription);
        })()),
      unsubscribe: () => subscription.close(),
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async deleteDurable(durable: string): Promise<void> {
    const broker = this.live();
    const consumer = broker.durables.get(durable);
    if (!consumer) return;
    if (consumer.memberCount > 0) throw durableInUse(durable);
    broker.durables.delete(durable);
    broker.consumers.delete(consumer);
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      // Handlers still running may publish while their subscriptions drain.
      this.state = "closing";
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      this.state = "closed";
    })());
  }

  private live(): MemoryBroker {
    if (this.state === "closed") throw closed();
    if (this.state === "new" || !this.broker) throw notStarted();
    return this.broker;
  }
}

function startSequence(broker: MemoryBroker, from: DeliverFrom): number {
  if (from === "new") return broker.log.lastSequence + 1;
  if (from === "all") return broker.log.firstSequence;
  return from.sequence;
}
