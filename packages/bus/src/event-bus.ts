/**
 * The `EventBus` contract every implementation honours (NATS JetStream, in-process): durable
 * publish, wildcard subscriptions, durable consumers shared as a queue, in-order delivery,
 * acknowledgement after the handler resolves and redelivery when it throws.
 */

/** A message as a handler sees it. */
export interface BusMessage {
  /** The concrete subject it was published on (without any `subjectPrefix`). */
  readonly subject: string;
  /** The payload exactly as published (binary protobuf for Koinos subjects). */
  readonly data: Uint8Array;
  /**
   * The in-process bus only, for recent messages: the message `data` encodes, as the publisher
   * built it (see `OutgoingMessage.payload`). Shared by the publisher and every consumer, so
   * nobody may change it; `decodeEvent` returns it instead of decoding `data`.
   */
  readonly payload?: object;
  /** Position in the bus log (JetStream stream sequence), starting at 1, increasing per publish. */
  readonly sequence: number;
  /** How many times this message has been handed to this consumer, 1 on first delivery. */
  readonly deliveryCount: number;
  /** True when an earlier delivery to this consumer failed (threw, or was never acknowledged). */
  readonly redelivered: boolean;
}

/**
 * Handles one message. Resolving acknowledges it; throwing (or rejecting) makes the bus deliver it
 * again after a backoff, to this or another instance of the same durable consumer.
 */
export type MessageHandler = (message: BusMessage) => void | Promise<void>;

/** Where a new consumer starts. An existing durable consumer always resumes where it left off. */
export type DeliverFrom = "new" | "all" | { readonly sequence: number };

export interface SubscribeOptions {
  /**
   * Durable consumer name (normally the service name, `[A-Za-z0-9_-]`). The bus remembers its
   * position across restarts, and every subscription with the same name shares its messages as a
   * queue (each message goes to one of them). Default: none — a private consumer that lives as
   * long as the subscription.
   */
  durable?: string;
  /**
   * Where a new consumer starts: `"new"` (only messages published after subscribing), `"all"`
   * (everything the bus still holds) or `{ sequence }`. Default `"new"`. Ignored when the durable
   * consumer already exists — it resumes where it left off.
   */
  deliverFrom?: DeliverFrom;
  /**
   * Messages delivered but not yet acknowledged, across all instances of the consumer. Default 1:
   * a service applies blocks in order, and only one message in flight keeps order even when a
   * handler fails and the message is redelivered. Raise it for consumers that don't need order.
   */
  maxAckPending?: number;
  /**
   * Messages this subscription hands to its handler at once (capped by `maxAckPending`), each
   * started in delivery order and acked when its own handler resolves. Default 1: one at a time.
   * A consumer that commits several messages together (group commit) raises it with
   * `maxAckPending`, so the messages that arrive together are in its hands together.
   */
  concurrency?: number;
  /**
   * Deliveries of one message before the bus gives up on it and moves on (logged at error).
   * Default: the bus's `maxDeliver` (unlimited unless configured).
   */
  maxDeliver?: number;
  /**
   * Default true. False: no acknowledgement — each message is handed to the handler once, in log
   * order, and one whose handler throws is logged and dropped, never delivered again (at most
   * once). For notifications whose loss costs nothing (the block producer's wake-up on
   * `koinos.mempool.accept`): on NATS it is an ordered consumer with no acks, so the client sends
   * no ack per message and the server keeps no delivery state. Private consumers only (a
   * `durable` is refused with `bus.invalid_options`); `concurrency` and `maxDeliver` do not
   * apply, and `maxAckPending` is only how many messages are pulled ahead (default and at most
   * 256 on NATS). Also for a one-off replay that stops at its first failure by itself (`cairn
   * rebuild block-store`).
   */
  acknowledge?: boolean;
}

/** What the bus returns once it has durably accepted a message. */
export interface PublishAck {
  /** The message's position in the bus log (its `BusMessage.sequence`). */
  readonly sequence: number;
}

/** One message to publish. */
export interface OutgoingMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  /**
   * The decoded message `data` encodes (`eventMessage` sets it). The in-process bus hands it to
   * its consumers with the bytes, so consumers in the same process skip decoding; NATS ignores
   * it. From publication on it is shared and read-only: neither the publisher nor any consumer
   * may change it.
   */
  readonly payload?: object;
}

/** A live subscription. */
export interface Subscription {
  /** The durable consumer name, or undefined for a private consumer. */
  readonly durable: string | undefined;
  /**
   * Stops delivery: no new message reaches the handler, the one being handled finishes and is
   * acknowledged (or redelivered) before this resolves. A durable consumer keeps its position.
   */
  close(): Promise<void>;
  /** Same as {@link Subscription.close} (NATS vocabulary). */
  unsubscribe(): Promise<void>;
}

/**
 * Publish/subscribe over Koinos subjects (see `Subjects`). Construction has no side effects:
 * call `start()` before use and `close()` at shutdown.
 */
export interface EventBus {
  /** Connects and prepares the log (for NATS: waits for the server, ensures the stream). */
  start(signal?: AbortSignal): Promise<void>;
  /**
   * Resolves once the bus has durably stored the message. Calls are not serialised: several
   * publishes may be in flight, and they are stored in call order — `Promise.all` over many
   * `publish` calls is the fast path (JetStream: ~37,000/s pipelined vs ~4,800/s awaited one by one).
   * `payload`, when given, is the message `data` encodes (see `OutgoingMessage.payload`).
   */
  publish(subject: string, data: Uint8Array, payload?: object): Promise<PublishAck>;
  /**
   * Publishes `messages` pipelined, stored in array order; resolves with their acks in the same
   * order. Not atomic: if it rejects, a prefix (or more) may already be stored.
   */
  publishMany(messages: readonly OutgoingMessage[]): Promise<PublishAck[]>;
  /**
   * Delivers messages whose subject matches `pattern` (NATS wildcards: `*` one token, `>` the
   * rest) to `handler`, one at a time per subscription, in log order. Resolves once the consumer
   * exists, so a message published after this resolves is seen (with `deliverFrom: "new"`).
   */
  subscribe(pattern: string, handler: MessageHandler, options?: SubscribeOptions): Promise<Subscription>;
  /** Forgets a durable consumer's position (a later subscribe starts afresh from `deliverFrom`). */
  deleteDurable(durable: string): Promise<void>;
  /** Closes every subscription (as `Subscription.close`) then the connection. Idempotent. */
  close(): Promise<void>;
}
