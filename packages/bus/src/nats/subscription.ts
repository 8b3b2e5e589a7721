/**
 * One subscription on the NATS bus: pulls from its JetStream consumer, hands messages to the
 * handler one at a time (or up to `concurrency` at once, started in delivery order), acks each
 * after its handler resolves, naks with backoff when it throws, and terminates
 * a message after `maxDeliver` deliveries.
 *
 * Acks of handlers that resolve in one turn of the event loop are sent together, at the end of
 * that turn (`setImmediate`): the NATS client writes what was queued in one synchronous run as
 * one socket write, so a burst of messages costs one write for its acks instead of one each (a
 * socket write per ack was a quarter of the mempool's and the producer's CPU under the transfer
 * load). A message is still acked only after its handler resolved. One timer per subscription
 * keeps long handlers' messages alive, not one per message.
 */
import { delay, type Logger } from "@cairn/core";
import type { Consumer, ConsumerMessages, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { redeliveryDelay, type ResolvedDeliveryOptions } from "../delivery.ts";
import type { BusMessage, MessageHandler, Subscription } from "../event-bus.ts";
import type { SubjectMapper } from "./prefix.ts";

export interface NatsSubscriptionContext {
  nc: NatsConnection;
  jsm: JetStreamManager;
  stream: string;
  subjects: SubjectMapper;
  delivery: ResolvedDeliveryOptions;
  ackWaitMs: number;
  logger: Logger;
}

export interface NatsSubscriptionSpec {
  consumer: Consumer;
  /** Server-side consumer name. */
  name: string;
  durable: string | undefined;
  maxAckPending: number;
  maxDeliver: number;
  /** Handlers running at once (1 … maxAckPending). */
  concurrency: number;
  /** False: an ordered consumer without acks; a failed message is logged and dropped. */
  acknowledge: boolean;
  handler: MessageHandler;
}

/** Wait before pulling again after the pull loop failed (connection lost, consumer missing). */
const RESTART_DELAY_MS = 1_000;

export class NatsSubscription implements Subscription {
  readonly durable: string | undefined;
  private messages: ConsumerMessages | undefined;
  private readonly stop = new AbortController();
  private running: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly logger: Logger;
  /** Handled messages whose ack goes out at the end of this event-loop turn. */
  private acks: JsMsg[] = [];
  private acksScheduled = false;
  /** Messages whose handler is running, with when it started (performance.now()). */
  private readonly handling = new Map<JsMsg, number>();
  private keepAlive: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly ctx: NatsSubscriptionContext,
    private readonly spec: NatsSubscriptionSpec,
    private readonly onClosed: (s: NatsSubscription) => void,
  ) {
    this.durable = spec.durable;
    this.logger = ctx.logger.child({ consumer: spec.name });
  }

  /** Starts pulling in the background. */
  start(): void {
    this.running = this.run();
  }

  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  unsubscribe(): Promise<void> {
    return this.close();
  }

  private async shutdown(): Promise<void> {
    this.stop.abort();
    await this.messages?.close();
    await this.running;
    this.sendAcks();
    if (this.keepAlive !== undefined) clearInterval(this.keepAlive);
    if (this.spec.durable === undefined) {
      // A private consumer by its name; an ordered one (whose name changes when the client
      // recreates it) through the consumer itself. Either way the server would expire it.
      const remove = this.spec.acknowledge ? () => this.ctx.jsm.consumers.delete(this.ctx.stream, this.spec.name) : () => this.spec.consumer.delete();
      await Promise.resolve()
        .then(remove)
        .catch((err: unknown) => {
          this.logger.debug({ err: String(err) }, "private consumer not deleted; the server expires it");
        });
    }
    // Acks are fire-and-forget: make sure the server has them before reporting closed.
    await this.ctx.nc.flush().catch(() => {});
    this.onClosed(this);
  }

  private async run(): Promise<void> {
    while (!this.stop.signal.aborted) {
      try {
        const messages = await this.spec.consumer.consume({ max_messages: Math.min(this.spec.maxAckPending, 256) });
        this.messages = messages;
        if (this.stop.signal.aborted) {
          await messages.close();
          return;
        }
        this.watchStatus(messages).catch(() => {});
        const inFlight = new Set<Promise<void>>();
        try {
          for await (const m of messages) {
            // Pulled before close but not handled: give it back at once instead of after ack wait.
            if (this.stop.signal.aborted) {
              if (this.spec.acknowledge) m.nak();
              continue;
            }
            const handled = this.handle(m);
            inFlight.add(handled);
            void handled.finally(() => inFlight.delete(handled));
            if (inFlight.size >= this.spec.concurrency) await Promise.race(inFlight);
          }
        } finally {
          await Promise.all(inFlight);
        }
      } catch (err) {
        if (this.stop.signal.aborted) return;
        this.logger.error({ err: String(err) }, "pull failed; restarting");
      }
      await delay(RESTART_DELAY_MS, this.stop.signal).catch(() => {});
    }
  }

  private async watchStatus(messages: ConsumerMessages): Promise<void> {
    for await (const s of messages.status()) {
      if (s.type === "next" || s.type === "heartbeat" || s.type === "debug" || s.type === "discard") continue;
      this.logger.warn({ status: s }, "consumer status");
    }
  }

  private async handle(m: JsMsg): Promise<void> {
    if (!this.spec.acknowledge) return this.handleOnce(m);
    const deliveryCount = m.info.deliveryCount;
    const message: BusMessage = {
      subject: this.ctx.subjects.fromWire(m.subject),
      data: m.data,
      sequence: m.seq,
      deliveryCount,
      redelivered: m.redelivered,
    };
    this.handling.set(m, performance.now());
    this.keepAlive ??= setInterval(() => this.keepRunningAlive(), this.keepAliveMs());
    try {
      await this.spec.handler(message);
      this.ackSoon(m);
    } catch (err) {
      const log = { subject: message.subject, sequence: message.sequence, deliveryCount, err: String(err) };
      if (deliveryCount >= this.spec.maxDeliver) {
        this.logger.error(log, "handler failed; max deliveries reached, message dropped");
        // No reason argument: servers before 2.10.4 ignore a `+TERM <reason>` ack.
        m.term();
      } else {
        const retryInMs = redeliveryDelay(this.ctx.delivery, deliveryCount);
        this.logger.warn({ ...log, retryInMs }, "handler failed; redelivering");
        m.nak(retryInMs);
      }
    } finally {
      this.handling.delete(m);
    }
  }

  /** How often running handlers' messages are kept alive: a third of the ack wait, at least 100 ms. */
  private keepAliveMs(): number {
    return Math.max(100, this.ctx.ackWaitMs / 3);
  }

  /**
   * A long handler must not let the ack wait expire (the server would redeliver elsewhere): every
   * message whose handler has run for half a keep-alive period or more is marked in progress, so
   * each is marked within one period of its start and then every period. The timer stops when no
   * handler runs.
   */
  private keepRunningAlive(): void {
    if (this.handling.size === 0) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
      return;
    }
    const before = performance.now() - this.keepAliveMs() / 2;
    for (const [m, since] of this.handling) if (since <= before) m.working();
  }

  /** Queues `m`'s ack for the end of this event-loop turn. */
  private ackSoon(m: JsMsg): void {
    this.acks.push(m);
    if (this.acksScheduled) return;
    this.acksScheduled = true;
    setImmediate(() => this.sendAcks());
  }

  /** Sends the queued acks in one synchronous run (the client writes them out together). */
  private sendAcks(): void {
    this.acksScheduled = false;
    const acks = this.acks;
    if (acks.length === 0) return;
    this.acks = [];
    for (const m of acks) m.ack();
  }

  /** At most once: no ack is sent (the consumer has none), a failure is logged and the message dropped. */
  private async handleOnce(m: JsMsg): Promise<void> {
    const message: BusMessage = { subject: this.ctx.subjects.fromWire(m.subject), data: m.data, sequence: m.seq, deliveryCount: 1, redelivered: false };
    try {
      await this.spec.handler(message);
    } catch (err) {
      this.logger.error({ subject: message.subject, sequence: message.sequence, err: String(err) }, "handler failed; message dropped (no acknowledgement)");
    }
  }
}
