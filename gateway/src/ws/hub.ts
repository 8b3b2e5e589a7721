/**
 * The WebSocket hub: it holds one non-durable bus subscription per topic, and only while some
 * client subscribes to that topic; it decodes each bus message once, computes fork switches from
 * the block stream, and fans deliveries out to the matching subscriptions. Per-connection
 * behaviour (ops, replay, slow clients) is in session.ts.
 */
import type { Logger } from "@cairn/core";
import type { EventDecoder, JsonCodec } from "@cairn/protocol";
import type { GatewayMetrics } from "../metrics.ts";
import type { MethodTable } from "../table/method-table.ts";
import { blockDelivery, createDecoders, type Delivery, forkDelivery, hexId, TOPIC_SUBJECTS } from "./deliveries.ts";
import { ForkTracker } from "./fork-tracker.ts";
import type { Topic } from "./protocol.ts";
import { createSession, type Session, type Subscriber, type WsPeer } from "./session.ts";

/** A bus message as the hub reads it (the `@cairn/bus` `BusMessage` fits). */
export interface GatewayBusMessage {
  readonly subject: string;
  readonly data: Uint8Array;
}

/** The part of `@cairn/bus`'s `EventBus` the gateway uses. */
export interface GatewayBus {
  subscribe(pattern: string, handler: (message: GatewayBusMessage) => void | Promise<void>, options?: { deliverFrom?: "new" }): Promise<{ close(): Promise<void> }>;
}

/** Options of the hub (the `ws` section). */
export interface WsHubOptions {
  /** Open connections at most (the route refuses more). Default unlimited. */
  readonly maxConnections?: number;
  readonly maxBufferedBytes: number;
  readonly maxSubscriptions: number;
  readonly maxReplayBlocks: number;
  readonly forkWindow: number;
  /** Per-call timeout for replay reads. */
  readonly timeoutMs: number;
  /** How long a closed-for-slowness client gets to read the close frame before the socket is cut. Default 1000 ms. */
  readonly terminateAfterMs?: number;
}

/** What the hub uses. */
export interface WsHubDeps {
  /** Absent: subscriptions are refused ("event stream unavailable"). */
  readonly bus?: GatewayBus | undefined;
  readonly table: MethodTable;
  readonly codec: JsonCodec;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** Adds `decoded` to contract events where the ABI is known. Absent: events stay raw. */
  readonly events?: EventDecoder | undefined;
}

/** The hub as sessions and the route see it. */
export interface WsHub {
  /** A new connection. */
  open(peer: WsPeer): Session;
  /** Closes every connection (1001) and every bus subscription. */
  close(): Promise<void>;
  /** Open connections. */
  readonly connections: number;
  /** Topics with a live bus subscription (for tests and /health). */
  readonly activeTopics: readonly Topic[];
}

/** The hub's internal face, used by sessions. */
export interface HubInternals {
  readonly options: WsHubOptions;
  readonly deps: WsHubDeps;
  /** Adds a subscriber; resolves once the bus subscription of its topic is live. */
  add(sub: Subscriber): Promise<void>;
  remove(sub: Subscriber): void;
  closed(session: Session): void;
}

interface TopicState {
  readonly subscribers: Set<Subscriber>;
  ready: Promise<void>;
  subscription: Promise<{ close(): Promise<void> }> | undefined;
}

/** Builds the hub. Nothing is subscribed until a client asks. */
export function createWsHub(options: WsHubOptions, deps: WsHubDeps): WsHub {
  const decoders = createDecoders(deps.codec, deps.events);
  const tracker = new ForkTracker(options.forkWindow);
  const topics = new Map<Topic, TopicState>();
  const sessions = new Set<Session>();
  const log = deps.logger.child({ module: "ws" });

  function deliver(topic: Topic, d: Delivery): void {
    const state = topics.get(topic);
    if (state === undefined) return;
    for (const sub of state.subscribers) {
      if (d.kind === "event" && ((sub.contract !== undefined && sub.contract !== d.contract) || (sub.name !== undefined && sub.name !== d.name))) continue;
      sub.push(d);
    }
  }

  function onMessage(topic: Topic, subject: string, data: Uint8Array): void {
    try {
      switch (topic) {
        case "blocks": {
          const b = decoders.block(data);
          const fork = tracker.accept(b.ref, b.head);
          if (fork !== undefined) deliver(topic, forkDelivery(fork));
          deliver(topic, blockDelivery(b.ref, b.head, b.json, false));
          return;
        }
        case "irreversible":
          return deliver(topic, decoders.irreversible(data));
        case "transactions":
          return deliver(topic, decoders.transaction(data));
        case "events": {
          const d = decoders.event(subject, data);
          if (d !== undefined) deliver(topic, d);
          return;
        }
      }
    } catch (err) {
      log.warn({ subject, err: String(err) }, "undecodable bus message skipped");
    }
  }

  /** Seeds the fork tracker from the chain head when the block stream (re)starts. */
  async function seedTracker(): Promise<void> {
    const m = deps.table.get("chain", "get_head_info");
    if (m === undefined) return tracker.seed(undefined);
    try {
      const info = (await m.call(m.input.fns.create(), { deadlineMs: options.timeoutMs })) as { head_topology?: { id: Uint8Array; height: bigint; previous: Uint8Array } };
      const t = info.head_topology;
      if (tracker.currentHead === undefined) tracker.seed(t === undefined ? undefined : { id: hexId(t.id), height: t.height, previous: hexId(t.previous) });
    } catch (err) {
      log.warn({ err: String(err) }, "could not seed the fork tracker from the chain head");
    }
  }

  function start(topic: Topic, state: TopicState): void {
    const bus = deps.bus!;
    if (topic === "blocks") tracker.seed(undefined);
    const subscription = bus.subscribe(TOPIC_SUBJECTS[topic], (m) => onMessage(topic, m.subject, m.data), { deliverFrom: "new" });
    state.subscription = subscription;
    state.ready = subscription.then(async () => {
      log.debug({ topic }, "bus subscription started");
      if (topic === "blocks") await seedTracker();
    });
    state.ready.catch(() => {});
  }

  function stop(topic: Topic, state: TopicState): void {
    topics.delete(topic);
    void state.subscription?.then((s) => s.close()).catch((err: unknown) => log.warn({ topic, err: String(err) }, "bus unsubscribe failed"));
    log.debug({ topic }, "bus subscription stopped");
  }

  const internals: HubInternals = {
    options,
    deps,
    async add(sub) {
      if (deps.bus === undefined) throw new Error("event stream unavailable on this gateway");
      let state = topics.get(sub.topic);
      if (state === undefined) {
        state = { subscribers: new Set(), ready: Promise.resolve(), subscription: undefined };
        topics.set(sub.topic, state);
        start(sub.topic, state);
      }
      state.subscribers.add(sub);
      try {
        await state.ready;
      } catch (err) {
        state.subscribers.delete(sub);
        if (topics.get(sub.topic) === state) topics.delete(sub.topic);
        throw err;
      }
    },
    remove(sub) {
      const state = topics.get(sub.topic);
      if (state === undefined || !state.subscribers.delete(sub)) return;
      if (state.subscribers.size === 0) stop(sub.topic, state);
    },
    closed(session) {
      if (sessions.delete(session)) deps.metrics.wsConnections.dec();
    },
  };

  return {
    open(peer) {
      const session = createSession(peer, internals);
      sessions.add(session);
      deps.metrics.wsConnections.inc();
      return session;
    },
    async close() {
      for (const s of [...sessions]) s.shutdown(1001, "server shutting down");
      const pending = [...topics.entries()].map(([topic, state]) => {
        topics.delete(topic);
        return state.subscription?.then((s) => s.close()).catch(() => {});
      });
      await Promise.all(pending);
    },
    get connections() {
      return sessions.size;
    },
    get activeTopics() {
      return [...topics.keys()];
    },
  };
}
