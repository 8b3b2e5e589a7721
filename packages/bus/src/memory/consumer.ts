/**
 * One consumer of the in-process bus (durable or private): its position in the log, the messages
 * delivered but not yet acknowledged, and the subscriptions ("members") that share it as a queue.
 * It mirrors a JetStream pull consumer with explicit acks.
 */
import type { Logger } from "@cairn/core";
import { redeliveryDelay, type ResolvedDeliveryOptions } from "../delivery.ts";
import type { BusMessage, MessageHandler } from "../event-bus.ts";
import { subjectMatches } from "../subjects.ts";
import type { LogEntry, MemoryLog } from "./log.ts";

/** A consumer's settings; a resubscription may change all but `filter` (as a JetStream consumer update). */
export interface ConsumerSettings {
  filter: string;
  maxAckPending: number;
  maxDeliver: number;
}

interface Pending {
  deliveries: number;
  /** Earliest time (ms) of the next delivery. */
  notBefore: number;
  inFlight: boolean;
}

/** A subscription attached to a consumer; handles up to `concurrency` messages at a time. */
export interface Member {
  readonly handler: MessageHandler;
  readonly concurrency: number;
  closed: boolean;
  /** Messages in its hands. */
  readonly current: Set<Promise<void>>;
}

function idle(m: Member): boolean {
  return !m.closed && m.current.size < m.concurrency;
}

/**
 * A message as its handler sees it. `data` is read from the log entry only when the handler asks:
 * an event published as an `EventMessage` is encoded then, not before (a handler that takes the
 * payload never causes it).
 */
class Delivery implements BusMessage {
  readonly subject: string;
  readonly payload: object | undefined;
  readonly sequence: number;
  readonly redelivered: boolean;

  constructor(
    private readonly entry: LogEntry,
    readonly deliveryCount: number,
  ) {
    this.subject = entry.subject;
    this.payload = entry.payload;
    this.sequence = entry.sequence;
    this.redelivered = deliveryCount > 1;
  }

  get data(): Uint8Array {
    return this.entry.data;
  }
}

export class MemoryConsumer {
  /** Next log sequence not yet looked at for new deliveries. */
  private nextSequence: number;
  /** Delivered (or awaiting redelivery) but unacknowledged, in sequence order. */
  private readonly pending = new Map<number, Pending>();
  /**
   * Entries of `pending` awaiting redelivery (a handler failed; not in flight). While 0 — always,
   * unless a handler failed — dispatch skips scanning `pending` (up to `maxAckPending` entries, 256
   * for the mempool) once per delivery.
   */
  private waiting = 0;
  private readonly members: Member[] = [];
  private turn = 0;
  private scheduled = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly name: string,
    private settings: ConsumerSettings,
    startSequence: number,
    private readonly log: MemoryLog,
    private readonly delivery: ResolvedDeliveryOptions,
    private readonly logger: Logger,
  ) {
    this.nextSequence = startSequence;
  }

  get filter(): string {
    return this.settings.filter;
  }

  get memberCount(): number {
    return this.members.length;
  }

  /** Nothing delivered and unacknowledged, nothing in the log it has not looked at. */
  get settled(): boolean {
    return this.pending.size === 0 && this.nextSequence > this.log.lastSequence;
  }

  /** The lowest log sequence this consumer has yet to handle (every one below it is done with). */
  get handledBelow(): number {
    for (const sequence of this.pending.keys()) return Math.min(sequence, this.nextSequence);
    return this.nextSequence;
  }

  update(settings: ConsumerSettings): void {
    this.settings = settings;
  }

  addMember(handler: MessageHandler, concurrency = 1): Member {
    const member: Member = { handler, concurrency, closed: false, current: new Set() };
    this.members.push(member);
    this.schedule();
    return member;
  }

  /** Detaches `member`; resolves once its in-flight messages are settled. */
  async removeMember(member: Member): Promise<void> {
    member.closed = true;
    const i = this.members.indexOf(member);
    if (i >= 0) this.members.splice(i, 1);
    await Promise.all(member.current);
    if (this.members.length === 0) this.clearTimer();
  }

  /** Called when the log grows or something settles: runs a dispatch pass soon (not re-entrantly). */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.members.some(idle)) {
      const next = this.nextRedelivery() ?? this.nextNew();
      if (next === undefined) break;
      this.deliver(this.takeIdleMember()!, next);
    }
    this.armTimer();
  }

  /** The next idle member in rotation, so instances sharing a consumer take turns. */
  private takeIdleMember(): Member | undefined {
    for (let k = 0; k < this.members.length; k++) {
      const m = this.members[(this.turn + k) % this.members.length]!;
      if (idle(m)) {
        this.turn = (this.turn + k + 1) % this.members.length;
        return m;
      }
    }
    return undefined;
  }

  private nextRedelivery(): number | undefined {
    if (this.waiting === 0) return undefined;
    const now = Date.now();
    for (const [sequence, p] of this.pending) {
      if (p.inFlight) continue;
      if (this.log.get(sequence) === undefined) {
        this.logger.warn({ consumer: this.name, sequence }, "unacknowledged message dropped from log");
        this.pending.delete(sequence);
        this.waiting--;
        continue;
      }
      if (p.notBefore <= now) return sequence;
    }
    return undefined;
  }

  private nextNew(): number | undefined {
    if (this.pending.size >= this.settings.maxAckPending) return undefined;
    this.nextSequence = Math.max(this.nextSequence, this.log.firstSequence);
    while (this.nextSequence <= this.log.lastSequence) {
      const sequence = this.nextSequence++;
      if (subjectMatches(this.settings.filter, this.log.get(sequence)!.subject)) {
        this.pending.set(sequence, { deliveries: 0, notBefore: 0, inFlight: false });
        return sequence;
      }
    }
    return undefined;
  }

  private deliver(member: Member, sequence: number): void {
    const p = this.pending.get(sequence)!;
    const entry = this.log.get(sequence)!;
    if (p.deliveries > 0) this.waiting--;
    p.inFlight = true;
    p.deliveries++;
    const message = new Delivery(entry, p.deliveries);
    const handled = this.handle(member, message, p).finally(() => {
      p.inFlight = false;
      member.current.delete(handled);
      this.schedule();
    });
    member.current.add(handled);
  }

  private async handle(member: Member, message: BusMessage, p: Pending): Promise<void> {
    try {
      await member.handler(message);
      this.pending.delete(message.sequence);
    } catch (err) {
      const ctx = { consumer: this.name, subject: message.subject, sequence: message.sequence, deliveryCount: p.deliveries, err: String(err) };
      if (p.deliveries >= this.settings.maxDeliver) {
        this.logger.error(ctx, "handler failed; max deliveries reached, message dropped");
        this.pending.delete(message.sequence);
        return;
      }
      const delayMs = redeliveryDelay(this.delivery, p.deliveries);
      this.logger.warn({ ...ctx, retryInMs: delayMs }, "handler failed; redelivering");
      p.notBefore = Date.now() + delayMs;
      this.waiting++;
    }
  }

  /** Wakes the consumer when the earliest waiting redelivery becomes due. */
  private armTimer(): void {
    this.clearTimer();
    if (this.members.length === 0 || this.waiting === 0) return;
    let earliest = Infinity;
    for (const p of this.pending.values()) if (!p.inFlight && p.notBefore < earliest) earliest = p.notBefore;
    if (earliest === Infinity) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.schedule();
    }, Math.max(0, earliest - Date.now()));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
