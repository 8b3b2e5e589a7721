/**
 * The NATS JetStream event bus: one connection, one stream capturing the Koinos subjects,
 * JetStream publish (acked by the server once stored) and pull consumers per subscription.
 */
import { CairnError, ErrorStatus, isCairnError, retryWithBackoff, type Logger, type MetricsRegistry } from "@cairn/core";
import { DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { resolveDeliveryOptions, resolveSubscription, type ResolvedDeliveryOptions } from "../delivery.ts";
import { BusErrorCode, closed, durableInUse, invalidSubject, notStarted } from "../errors.ts";
import type { EventBus, MessageHandler, OutgoingMessage, PublishAck, SubscribeOptions, Subscription } from "../event-bus.ts";
import { assertDurableName, assertPattern, assertSubject, subjectMatches } from "../subjects.ts";
import { ensureConsumer } from "./consumer.ts";
import { registerBusMetrics, type MetricsSource } from "./metrics.ts";
import { resolveNatsOptions, type NatsEventBusDeps, type NatsEventBusOptions, type ResolvedNatsOptions } from "./options.ts";
import { subjectMapper, type SubjectMapper } from "./prefix.ts";
import { ensureStream } from "./stream.ts";
import { NatsSubscription, type NatsSubscriptionContext } from "./subscription.ts";

/** Builds a NATS-backed bus. No side effects until `start()`. */
export function createNatsEventBus(options: NatsEventBusOptions, deps: NatsEventBusDeps): EventBus {
  return new NatsEventBus(options, deps.logger.child({ module: "bus" }), deps.metrics);
}

interface Live {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

class NatsEventBus implements EventBus {
  private readonly o: ResolvedNatsOptions;
  private readonly delivery: ResolvedDeliveryOptions;
  private readonly subjects: SubjectMapper;
  private live_: Live | undefined;
  private state: "new" | "started" | "closing" | "closed" = "new";
  private starting: Promise<void> | undefined;
  private readonly stopStarting = new AbortController();
  private closing: Promise<void> | undefined;
  private readonly subscriptions = new Set<NatsSubscription>();
  private connected = false;
  private unregisterMetrics: (() => void) | undefined;

  constructor(
    options: NatsEventBusOptions,
    private readonly logger: Logger,
    private readonly metrics: MetricsRegistry | undefined,
  ) {
    this.o = resolveNatsOptions(options);
    this.delivery = resolveDeliveryOptions(options);
    this.subjects = subjectMapper(this.o.subjectPrefix);
    this.o.subjects.forEach(assertPattern);
  }

  start(signal?: AbortSignal): Promise<void> {
    if (this.state === "closing" || this.state === "closed") return Promise.reject(closed());
    this.starting ??= this.connectWithRetry(signal).catch((err: unknown) => {
      this.starting = undefined; // let a later start() try again
      throw err;
    });
    return this.starting;
  }

  private async connectWithRetry(signal: AbortSignal | undefined): Promise<void> {
    const { url, name, stream } = this.o;
    this.live_ = await retryWithBackoff(() => this.connect(), {
      what: `NATS JetStream at ${String(url)}`,
      timeoutMs: this.o.startupTimeoutMs,
      // close() during start stops the wait too.
      signal: signal ? AbortSignal.any([signal, this.stopStarting.signal]) : this.stopStarting.signal,
      logger: this.logger,
    });
    if (this.state !== "new") {
      // close() was called while we were waiting for the server.
      await this.live_.nc.close();
      throw closed();
    }
    this.state = "started";
    this.connected = true;
    this.watchConnection(this.live_.nc);
    if (this.metrics) this.unregisterMetrics = registerBusMetrics(this.metrics, this.metricsSource());
    this.logger.info({ url, name, stream, subjectPrefix: this.o.subjectPrefix }, "event bus started");
  }

  private async connect(): Promise<Live> {
    // noAsyncTraces: nats.js otherwise builds an Error (a stack capture) for every request, so two
    // for every JetStream publish, whose ack is a request; the bus's own errors say what failed.
    const nc = await connect({ servers: this.o.url, name: this.o.name, maxReconnectAttempts: -1, timeout: this.o.requestTimeoutMs, noAsyncTraces: true });
    try {
      const jsm = await jetstreamManager(nc, { timeout: this.o.requestTimeoutMs });
      await ensureStream(jsm, { ...this.o, name: this.o.stream, subjects: this.o.subjects.map(this.subjects.toWire) }, this.logger);
      return { nc, jsm, js: jetstream(nc, { timeout: this.o.requestTimeoutMs }) };
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  private watchConnection(nc: NatsConnection): void {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === "disconnect") this.connected = false;
        else if (s.type === "reconnect") this.connected = true;
        if (s.type === "disconnect" || s.type === "error") this.logger.warn({ status: s.type, server: "server" in s ? s.server : undefined }, "nats connection");
        else if (s.type === "reconnect") this.logger.info({ status: s.type }, "nats connection");
      }
    })().catch(() => {});
  }

  /** What the metrics read at scrape time: connection state and the lag of this bus's durable consumers. */
  private metricsSource(): MetricsSource {
    return {
      connection: this.o.name,
      stream: this.o.stream,
      connected: () => this.connected && this.state === "started",
      lag: async () => {
        const live = this.live_;
        if (!live || !this.connected) return [];
        const durables = [...new Set([...this.subscriptions].map((s) => s.durable).filter((d): d is string => d !== undefined))];
        const infos = await Promise.all(durables.map((d) => live.jsm.consumers.info(this.o.stream, d).catch(() => undefined)));
        return infos.filter((i) => i !== undefined).map((i) => ({ stream: this.o.stream, consumer: i.name, pending: i.num_pending, ackPending: i.num_ack_pending }));
      },
    };
  }

  publish(subject: string, data: Uint8Array): Promise<PublishAck> {
    try {
      const { js } = this.live();
      this.assertPublishable(subject);
      return this.send(js, subject, data);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async publishMany(messages: readonly OutgoingMessage[]): Promise<PublishAck[]> {
    const { js } = this.live();
    messages.forEach((m) => this.assertPublishable(m.subject));
    const acks: PublishAck[] = [];
    for (let i = 0; i < messages.length; i += this.o.maxPublishesInFlight) {
      const window = messages.slice(i, i + this.o.maxPublishesInFlight);
      acks.push(...(await Promise.all(window.map((m) => this.send(js, m.subject, m.data)))));
    }
    return acks;
  }

  /** Starts the JetStream publish synchronously, so calls reach the server in call order. */
  private async send(js: JetStreamClient, subject: string, data: Uint8Array): Promise<PublishAck> {
    try {
      const ack = await js.publish(this.subjects.toWire(subject), data);
      return { sequence: ack.seq };
    } catch (err) {
      throw new CairnError(BusErrorCode.PublishFailed, "publish not acknowledged", { status: ErrorStatus.Unavailable, data: { subject }, cause: err });
    }
  }

  private assertPublishable(subject: string): void {
    assertSubject(subject);
    if (!this.o.subjects.some((p) => subjectMatches(p, subject))) throw invalidSubject(subject, "not captured by the bus stream");
  }

  async subscribe(pattern: string, handler: MessageHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    const { nc, js, jsm } = this.live();
    if (this.state === "closing") throw closed();
    assertPattern(pattern);
    if (options.durable !== undefined) assertDurableName(options.durable);
    const { deliverFrom, maxAckPending, maxDeliver, concurrency, acknowledge } = resolveSubscription(options, this.delivery);
    const ctx: NatsSubscriptionContext = { nc, jsm, stream: this.o.stream, subjects: this.subjects, delivery: this.delivery, ackWaitMs: this.o.ackWaitMs, logger: this.logger };
    const fail = (err: unknown): never => {
      if (isCairnError(err)) throw err;
      throw new CairnError(BusErrorCode.Unavailable, "consumer not created", { status: ErrorStatus.Unavailable, data: { pattern, durable: options.durable }, cause: err });
    };
    let sub: NatsSubscription;
    if (!acknowledge) {
      // An ordered consumer: ack policy none, recreated by the client after a gap.
      const from = deliverFrom;
      const consumer = await js.consumers
        .get(this.o.stream, {
          filter_subjects: this.subjects.toWire(pattern),
          deliver_policy: from === "new" ? DeliverPolicy.New : from === "all" ? DeliverPolicy.All : DeliverPolicy.StartSequence,
          ...(typeof from === "object" ? { opt_start_seq: from.sequence } : {}),
        })
        .catch(fail);
      sub = new NatsSubscription(ctx, { consumer, name: "ordered", durable: undefined, maxAckPending: options.maxAckPending ?? 256, maxDeliver: 1, concurrency: 1, acknowledge: false, handler }, (s) => this.subscriptions.delete(s));
    } else {
      const info = await ensureConsumer(
        jsm,
        {
          stream: this.o.stream,
          durable: options.durable,
          filter: this.subjects.toWire(pattern),
          deliverFrom,
          maxAckPending,
          maxDeliver,
          ackWaitMs: this.o.ackWaitMs,
        },
        this.logger,
      ).catch(fail);
      const consumer = js.consumers.getConsumerFromInfo(info);
      sub = new NatsSubscription(ctx, { consumer, name: info.name, durable: options.durable, maxAckPending, maxDeliver, concurrency, acknowledge: true, handler }, (s) => this.subscriptions.delete(s));
    }
    this.subscriptions.add(sub);
    sub.start();
    return sub;
  }

  async deleteDurable(durable: string): Promise<void> {
    const { jsm } = this.live();
    assertDurableName(durable);
    if ([...this.subscriptions].some((s) => s.durable === durable)) throw durableInUse(durable);
    try {
      await jsm.consumers.delete(this.o.stream, durable);
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) return;
      throw err;
    }
  }

  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    this.stopStarting.abort(closed());
    this.unregisterMetrics?.();
    this.connected = false;
    if (this.state === "new") {
      this.state = "closed";
      return;
    }
    // Handlers still running may publish while their subscriptions drain.
    this.state = "closing";
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.state = "closed";
    await this.live_?.nc.drain().catch(() => this.live_?.nc.close());
    this.logger.info({ stream: this.o.stream }, "event bus closed");
  }

  private live(): Live {
    if (this.state === "closed") throw closed();
    if (this.state === "new" || !this.live_) throw notStarted();
    return this.live_;
  }
}
