/**
 * The event catalog: which `cairn.broadcast.v1` message each subject carries, as one typed table
 * over the generated messages. Publishers encode through it (`eventMessage`,
 * `contractEventMessage`), consumers decode through it (`decodeEvent`), and tools find a subject's
 * payload type through it (`payloadTypeOf`), so a subject and its message are written down once.
 */
import type { Logger } from "@cairn/core";
import { broadcast } from "@cairn/proto";
import type { BusMessage } from "./event-bus.ts";
import { EventMessage } from "./event-message.ts";
import { CONTRACT_EVENT_PREFIX, Subjects, contractEventSubject } from "./subjects.ts";

/** A subject's payload: the generated message functions and the message's full proto name. */
export interface PayloadType<T> {
  /** Full proto name (`cairn.broadcast.v1.BlockAccepted`), for the Koinos JSON codec. */
  readonly name: string;
  /** The generated message functions. */
  readonly fns: { encode(message: T): { finish(): Uint8Array }; decode(bytes: Uint8Array): T };
}

const payload = <T>(name: string, fns: PayloadType<T>["fns"]): PayloadType<T> => ({ name: `cairn.broadcast.v1.${name}`, fns });

/** Every fixed subject with its payload. */
export const EVENT_CATALOG = {
  [Subjects.blockAccept]: payload("BlockAccepted", broadcast.BlockAccepted),
  [Subjects.blockIrreversible]: payload("BlockIrreversible", broadcast.BlockIrreversible),
  [Subjects.blockForks]: payload("ForkHeads", broadcast.ForkHeads),
  [Subjects.transactionAccept]: payload("TransactionAccepted", broadcast.TransactionAccepted),
  [Subjects.transactionFail]: payload("TransactionFailed", broadcast.TransactionFailed),
  [Subjects.mempoolAccept]: payload("MempoolAccepted", broadcast.MempoolAccepted),
  /** Koinos only (Cairn does not publish it): the mempool re-emits the chain's `BlockAccepted` after pruning. */
  "koinos.mempool.block_accepted": payload("BlockAccepted", broadcast.BlockAccepted),
  /** Koinos only (Cairn does not publish it): the p2p gossip status. */
  "koinos.gossip.status": payload("GossipStatus", broadcast.GossipStatus),
} as const;

/** The payload of every contract event subject `koinos.event.<contract>.<name>`. */
export const CONTRACT_EVENT_PAYLOAD = payload("EventParcel", broadcast.EventParcel);

/** A subject of the catalog. */
export type CatalogSubject = keyof typeof EVENT_CATALOG;

/** The decoded payload of subject `S`. */
export type PayloadOf<S extends CatalogSubject> = (typeof EVENT_CATALOG)[S] extends PayloadType<infer T> ? T : never;

/**
 * The message publishing `payload` on `subject` (the payload travels with its bytes: see
 * `OutgoingMessage.payload`). Its bytes are encoded when first read (`EventMessage`): the
 * in-process bus hands consumers the payload and never reads them unless a consumer does. They
 * are fresh: the in-process bus keeps them without a copy, so they are read-only like the payload.
 */
export function eventMessage<S extends CatalogSubject>(subject: S, payload: PayloadOf<S>): EventMessage<PayloadOf<S> & object> {
  const type = EVENT_CATALOG[subject] as PayloadType<PayloadOf<S>>;
  return new EventMessage(subject, payload as PayloadOf<S> & object, (p) => type.fns.encode(p).finish());
}

/** The message publishing contract event `parcel` on `koinos.event.<contract>.<name>` (throws when the name cannot be a subject); bytes encoded when first read, as `eventMessage`. */
export function contractEventMessage(contractBase58: string, eventName: string, parcel: broadcast.EventParcel): EventMessage<broadcast.EventParcel> {
  return new EventMessage(contractEventSubject(contractBase58, eventName), parcel, encodeParcel);
}

const encodeParcel = (parcel: broadcast.EventParcel) => CONTRACT_EVENT_PAYLOAD.fns.encode(parcel).finish();

/** The payload type of `subject` (a contract event subject → `EventParcel`), or undefined for a subject the catalog does not know. */
export function payloadTypeOf(subject: string): PayloadType<object> | undefined {
  const fixed = (EVENT_CATALOG as Record<string, PayloadType<object>>)[subject];
  if (fixed !== undefined) return fixed;
  // koinos.event.<contract>.<name…>: at least two tokens after the prefix.
  if (subject.startsWith(`${CONTRACT_EVENT_PREFIX}.`) && subject.split(".").length >= 4) return CONTRACT_EVENT_PAYLOAD as PayloadType<object>;
  return undefined;
}

/**
 * The payload of `message` as subject `S` carries it, or undefined — logged at error — when the
 * bytes are not that message: a corrupt payload is skipped (acked) rather than redelivered forever.
 * A message of the in-process bus that carries its decoded payload gives that (shared: read-only).
 */
export function decodeEvent<S extends CatalogSubject>(subject: S, message: Pick<BusMessage, "subject" | "data" | "payload">, logger: Logger): PayloadOf<S> | undefined {
  if (message.payload !== undefined) return message.payload as PayloadOf<S>;
  try {
    return (EVENT_CATALOG[subject] as PayloadType<PayloadOf<S>>).fns.decode(message.data);
  } catch (err) {
    logger.error({ subject: message.subject, bytes: message.data.length, err: String(err) }, "undecodable event skipped");
    return undefined;
  }
}
