/**
 * JetStream consumers behind subscriptions: a durable pull consumer per durable name (shared by
 * every instance that pulls from it), or a private ephemeral pull consumer. Both use explicit
 * acks, so a message counts as handled only once the handler resolved.
 */
import type { Logger } from "@cairn/core";
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, ReplayPolicy, type ConsumerConfig, type ConsumerInfo, type JetStreamManager } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { durableConflict } from "../errors.ts";
import type { DeliverFrom } from "../event-bus.ts";

export interface ConsumerSpec {
  stream: string;
  /** Durable name, or undefined for a private consumer. */
  durable: string | undefined;
  /** Wire filter subject (already prefixed). */
  filter: string;
  deliverFrom: DeliverFrom;
  maxAckPending: number;
  maxDeliver: number;
  ackWaitMs: number;
}

/** A private consumer the client stopped pulling from is removed by the server after this long. */
const PRIVATE_INACTIVE_MS = 30_000;

function consumerConfig(spec: ConsumerSpec): Partial<ConsumerConfig> {
  const from = spec.deliverFrom;
  const config: Partial<ConsumerConfig> = {
    ack_policy: AckPolicy.Explicit,
    replay_policy: ReplayPolicy.Instant,
    filter_subject: spec.filter,
    max_ack_pending: spec.maxAckPending,
    max_deliver: Number.isFinite(spec.maxDeliver) ? spec.maxDeliver : -1,
    ack_wait: nanos(spec.ackWaitMs),
    deliver_policy: from === "new" ? DeliverPolicy.New : from === "all" ? DeliverPolicy.All : DeliverPolicy.StartSequence,
  };
  if (typeof from === "object") config.opt_start_seq = from.sequence;
  if (spec.durable !== undefined) config.durable_name = spec.durable;
  else config.inactive_threshold = nanos(PRIVATE_INACTIVE_MS);
  return config;
}

/**
 * Creates the consumer, or, when the durable exists, updates what may change in place (in-flight
 * limit, max deliveries, ack wait) and keeps its position. A different subject pattern is refused
 * (`bus.durable_conflict`): where the consumer would resume is ambiguous, and nats-server 2.9
 * moves it to the end of the stream on a filter update, silently skipping messages.
 */
export async function ensureConsumer(jsm: JetStreamManager, spec: ConsumerSpec, logger: Logger): Promise<ConsumerInfo> {
  const config = consumerConfig(spec);
  if (spec.durable === undefined) return jsm.consumers.add(spec.stream, config);
  let existing = await durableInfo(jsm, spec.stream, spec.durable);
  if (!existing) {
    try {
      return await jsm.consumers.add(spec.stream, config);
    } catch (err) {
      // Another instance may have created it first.
      existing = await durableInfo(jsm, spec.stream, spec.durable);
      if (!existing) throw err;
    }
  }
  const current = existing.config;
  if (current.filter_subject !== config.filter_subject) throw durableConflict(spec.durable, current.filter_subject ?? ">", spec.filter);
  const changes = { max_ack_pending: config.max_ack_pending, max_deliver: config.max_deliver, ack_wait: config.ack_wait };
  if (current.max_ack_pending === changes.max_ack_pending && current.max_deliver === changes.max_deliver && current.ack_wait === changes.ack_wait) return existing;
  const info = await jsm.consumers.update(spec.stream, spec.durable, changes);
  logger.info({ durable: spec.durable, maxAckPending: spec.maxAckPending, maxDeliver: spec.maxDeliver }, "durable consumer updated");
  return info;
}

async function durableInfo(jsm: JetStreamManager, stream: string, durable: string): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) return undefined;
    throw err;
  }
}
