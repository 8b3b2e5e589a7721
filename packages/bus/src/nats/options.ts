/** Options of the NATS JetStream bus, each with its default and the reason for it. */
import type { Logger, MetricsRegistry } from "@cairn/core";
import type { DeliveryOptions } from "../delivery.ts";
import { ALL_KOINOS_SUBJECTS } from "../subjects.ts";

export interface NatsEventBusOptions extends DeliveryOptions {
  /** Server URL(s). Default `nats://127.0.0.1:4222` (the compose service's port on the host). */
  url?: string | string[];
  /** Connection name shown in NATS monitoring, normally the service name. Default `cairn`. */
  name?: string;
  /** JetStream stream holding the events. Default `KOINOS`. */
  stream?: string;
  /** Subjects the stream captures (before `subjectPrefix`). Default `["koinos.>"]`: every Koinos topic. */
  subjects?: string[];
  /**
   * Prepended (with a dot) to every subject on the wire and removed from delivered subjects, so
   * several independent buses can share one server (tests, several networks). Default `""` (none).
   */
  subjectPrefix?: string;
  /**
   * Copies of the stream kept by a JetStream cluster (`num_replicas`, 1–5). On a 3-node cluster,
   * 3 keeps every event through the loss of one node. When set, an existing stream is changed to
   * this count at start (JetStream re-replicates it in place). Default: unset — a new stream gets
   * 1 (a single server) and an existing one keeps its count, so a tool connecting with defaults
   * never shrinks a replicated stream.
   */
  streamReplicas?: number;
  /** Stream storage. Default `file`: a consumer that was down must find what it missed after a server restart. */
  storage?: "file" | "memory";
  /**
   * Messages older than this are discarded. Default 24 h: the stream is a catch-up buffer for
   * consumers that were briefly down, not the system of record (block_store is).
   */
  maxAgeMs?: number;
  /** Oldest messages are discarded beyond this many bytes. Default 1 GiB, a bound on disk use at full load. */
  maxBytes?: number;
  /**
   * How long the server waits for an ack before redelivering (instance died mid-handler, or a
   * message the server delivered into a subscription that was just closing — the client has no
   * handle left to give it back, so with maxAckPending 1 the consumer waits this long after a
   * graceful restart). Default 5 s; a handler that runs longer is kept alive with progress pings
   * every third of it.
   */
  ackWaitMs?: number;
  /** Timeout of each JetStream request (publish ack, consumer/stream calls). Default 5,000 ms. */
  requestTimeoutMs?: number;
  /**
   * Give up `start()` after this long without a usable server. Default: wait forever, logging
   * each attempt — in a compose deployment NATS may simply come up later.
   */
  startupTimeoutMs?: number;
  /** Publishes `publishMany` keeps in flight at once. Default 1,024: enough to pipeline, bounded memory. */
  maxPublishesInFlight?: number;
}

export interface NatsEventBusDeps {
  logger: Logger;
  /**
   * Registry for `cairn_nats_connected{connection}` and, per durable consumer,
   * `cairn_jetstream_consumer_pending_messages{stream,consumer}` (lag) and
   * `cairn_jetstream_consumer_ack_pending_messages`. Default none (no metrics).
   */
  metrics?: MetricsRegistry;
}

/** Every option filled in (delivery options are resolved separately). */
export interface ResolvedNatsOptions {
  url: string | string[];
  name: string;
  stream: string;
  subjects: string[];
  subjectPrefix: string;
  storage: "file" | "memory";
  streamReplicas: number | undefined;
  maxAgeMs: number;
  maxBytes: number;
  ackWaitMs: number;
  requestTimeoutMs: number;
  startupTimeoutMs: number | undefined;
  maxPublishesInFlight: number;
}

export function resolveNatsOptions(o: NatsEventBusOptions): ResolvedNatsOptions {
  return {
    url: o.url ?? "nats://127.0.0.1:4222",
    name: o.name ?? "cairn",
    stream: o.stream ?? "KOINOS",
    subjects: o.subjects ?? [ALL_KOINOS_SUBJECTS],
    subjectPrefix: o.subjectPrefix ?? "",
    storage: o.storage ?? "file",
    streamReplicas: o.streamReplicas,
    maxAgeMs: o.maxAgeMs ?? 24 * 60 * 60 * 1000,
    maxBytes: o.maxBytes ?? 1024 * 1024 * 1024,
    ackWaitMs: o.ackWaitMs ?? 5_000,
    requestTimeoutMs: o.requestTimeoutMs ?? 5_000,
    startupTimeoutMs: o.startupTimeoutMs,
    maxPublishesInFlight: o.maxPublishesInFlight ?? 1024,
  };
}
