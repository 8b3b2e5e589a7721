/**
 * Bus messages → what WebSocket clients receive. Each bus message is decoded and encoded to
 * Koinos JSON once; the resulting {@link Delivery} is shared by every subscriber (only the
 * `"subscription":N` part differs per client).
 */
import { CONTRACT_EVENT_PAYLOAD, CONTRACT_EVENT_PREFIX, EVENT_CATALOG, Subjects } from "@cairn/bus";
import { toHex } from "@cairn/core";
import type { EventDecoder, JsonCodec, MessageJsonCodec } from "@cairn/protocol";
import type { TrackedBlock, ForkSwitch } from "./fork-tracker.ts";
import type { Topic } from "./protocol.ts";

/** One message ready to push: `{"type":kind,"subscription":N,` + `rest`. */
export interface Delivery {
  readonly kind: "block" | "fork" | "irreversible" | "transaction" | "event";
  /** Everything after the subscription number, starting with a comma-free field, ending with `}`. */
  readonly rest: string;
  /** Block id (blocks), for de-duplicating replay and live. */
  readonly blockId?: string;
  /** Contract and event name (events), for per-subscription filters. */
  readonly contract?: string;
  readonly name?: string;
}

/** The bus subject each topic listens to. */
export const TOPIC_SUBJECTS: Readonly<Record<Topic, string>> = {
  blocks: Subjects.blockAccept,
  irreversible: Subjects.blockIrreversible,
  transactions: Subjects.transactionAccept,
  events: `${CONTRACT_EVENT_PREFIX}.>`,
};

const EVENT_PREFIX = `${CONTRACT_EVENT_PREFIX}.`;

/** `0x` + hex, the Koinos JSON form of a block id. */
export function hexId(bytes: Uint8Array): string {
  return `0x${toHex(bytes)}`;
}

const topologyJson = (b: TrackedBlock) => ({ id: b.id, height: b.height.toString() });

/** The fork notice's rest. */
export function forkDelivery(f: ForkSwitch): Delivery {
  const body = {
    old_head: topologyJson(f.oldHead),
    new_head: topologyJson(f.newHead),
    common_ancestor: f.commonAncestor === undefined ? null : topologyJson(f.commonAncestor),
    undo: f.undo,
    apply: f.apply,
    complete: f.complete,
  };
  return { kind: "fork", rest: JSON.stringify(body).slice(1) };
}

/** A block message's rest. */
export function blockDelivery(ref: TrackedBlock, head: boolean, dataJson: string, replay: boolean): Delivery {
  const replayField = replay ? `"replay":true,` : "";
  return { kind: "block", blockId: ref.id, rest: `"id":"${ref.id}","height":"${ref.height}","head":${head},${replayField}"data":${dataJson}}` };
}

interface BlockAcceptedMsg {
  block?: { id: Uint8Array; header?: { previous: Uint8Array; height: bigint } };
  head: boolean;
}

/**
 * Decoders of the broadcast payloads, built once per codec. With `events`, contract events inside
 * (receipts of blocks and transactions, event parcels) gain `decoded` where their ABI is known.
 */
export function createDecoders(codec: JsonCodec, events?: EventDecoder) {
  const blockAccepted = codec.forType<BlockAcceptedMsg & Record<string, unknown>>(EVENT_CATALOG[Subjects.blockAccept].name);
  const irreversible = codec.forType(EVENT_CATALOG[Subjects.blockIrreversible].name);
  const transaction = codec.forType(EVENT_CATALOG[Subjects.transactionAccept].name);
  const event = codec.forType(CONTRACT_EVENT_PAYLOAD.name);
  const annotate = <T>(json: T): T => (events === undefined ? json : events.annotate(json));
  const json = (h: MessageJsonCodec, data: Uint8Array) => JSON.stringify(annotate(h.toJson(h.fns.decode(data))));

  return {
    /** A block.accept payload: its place in the tree, whether it is head, and its JSON. */
    block(data: Uint8Array): { ref: TrackedBlock; head: boolean; json: string } {
      const msg = blockAccepted.fns.decode(data);
      const header = msg.block?.header;
      const ref: TrackedBlock = {
        id: hexId(msg.block?.id ?? new Uint8Array()),
        height: header?.height ?? 0n,
        previous: hexId(header?.previous ?? new Uint8Array()),
      };
      return { ref, head: msg.head, json: JSON.stringify(annotate(blockAccepted.toJson(msg))) };
    },
    irreversible: (data: Uint8Array): Delivery => ({ kind: "irreversible", rest: `"data":${json(irreversible, data)}}` }),
    transaction: (data: Uint8Array): Delivery => ({ kind: "transaction", rest: `"data":${json(transaction, data)}}` }),
    /** An event parcel; contract and name come from the subject `koinos.event.<contract>.<name>`. */
    event(subject: string, data: Uint8Array): Delivery | undefined {
      if (!subject.startsWith(EVENT_PREFIX)) return undefined;
      const tail = subject.slice(EVENT_PREFIX.length);
      const dot = tail.indexOf(".");
      const contract = dot < 0 ? tail : tail.slice(0, dot);
      const name = dot < 0 ? "" : tail.slice(dot + 1);
      return { kind: "event", contract, name, rest: `"contract":${JSON.stringify(contract)},"name":${JSON.stringify(name)},"data":${json(event, data)}}` };
    },
  };
}

/** The decoders' type. */
export type Decoders = ReturnType<typeof createDecoders>;
