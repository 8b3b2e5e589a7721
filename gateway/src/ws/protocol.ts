/**
 * The WebSocket protocol: JSON text frames both ways.
 *
 * Client → gateway:
 *   {"op":"subscribe","topic":"blocks","from_height"?:N,"id"?:any}
 *   {"op":"subscribe","topic":"irreversible"|"transactions","id"?:any}
 *   {"op":"subscribe","topic":"events","contract"?:"<base58>","name"?:"<event name>","id"?:any}
 *   {"op":"unsubscribe","subscription":N,"id"?:any}
 *   {"op":"ping","id"?:any}
 *
 * Gateway → client:
 *   {"type":"subscribed","subscription":N,"topic":…,"id"?}   {"type":"unsubscribed","subscription":N,"id"?}
 *   {"type":"error","message":…,"id"?}                      {"type":"pong","id"?}
 *   {"type":"block","subscription":N,"id":"0x…","height":"…","head":bool,"replay"?:true,"data":<BlockAccepted>}
 *   {"type":"fork","subscription":N,"old_head":{id,height},"new_head":{id,height},
 *    "common_ancestor":{id,height}|null,"undo":[ids…],"apply":[ids…],"complete":bool}
 *   {"type":"irreversible","subscription":N,"data":<BlockIrreversible>}
 *   {"type":"transaction","subscription":N,"data":<TransactionAccepted>}
 *   {"type":"event","subscription":N,"contract":…,"name":…,"data":<EventParcel>}
 * Payloads are Koinos JSON of the cairn.broadcast.v1 messages.
 */

/** Subscribable topics. */
export const TOPICS = ["blocks", "irreversible", "transactions", "events"] as const;
export type Topic = (typeof TOPICS)[number];

/** A parsed client message. */
export type ClientOp =
  | { readonly op: "subscribe"; readonly id: unknown; readonly topic: Topic; readonly contract?: string; readonly name?: string; readonly fromHeight?: bigint }
  | { readonly op: "unsubscribe"; readonly id: unknown; readonly subscription: number }
  | { readonly op: "ping"; readonly id: unknown }
  | { readonly op: "invalid"; readonly id: unknown; readonly message: string };

function invalid(id: unknown, message: string): ClientOp {
  return { op: "invalid", id, message };
}

/** Parses one text frame. */
export function parseClientOp(text: string): ClientOp {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return invalid(undefined, "message is not JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return invalid(undefined, "message must be a JSON object");
  const m = v as Record<string, unknown>;
  const id = m.id;
  switch (m.op) {
    case "ping":
      return { op: "ping", id };
    case "unsubscribe":
      return typeof m.subscription === "number" ? { op: "unsubscribe", id, subscription: m.subscription } : invalid(id, "unsubscribe needs a numeric subscription");
    case "subscribe": {
      const topic = m.topic;
      if (typeof topic !== "string" || !(TOPICS as readonly string[]).includes(topic)) return invalid(id, `topic must be one of ${TOPICS.join(", ")}`);
      const op: { op: "subscribe"; id: unknown; topic: Topic; contract?: string; name?: string; fromHeight?: bigint } = { op: "subscribe", id, topic: topic as Topic };
      if (m.contract !== undefined) {
        if (topic !== "events" || typeof m.contract !== "string" || !/^[1-9A-HJ-NP-Za-km-z]+$/.test(m.contract)) return invalid(id, "contract must be a base58 address, on the events topic");
        op.contract = m.contract;
      }
      if (m.name !== undefined) {
        if (topic !== "events" || typeof m.name !== "string" || m.name === "") return invalid(id, "name must be an event name, on the events topic");
        op.name = m.name;
      }
      const from = m.from_height ?? m.fromHeight;
      if (from !== undefined) {
        if (topic !== "blocks") return invalid(id, "from_height is only supported on the blocks topic");
        if (!((typeof from === "number" && Number.isSafeInteger(from) && from > 0) || (typeof from === "string" && /^[1-9][0-9]{0,19}$/.test(from)))) {
          return invalid(id, "from_height must be a positive integer");
        }
        op.fromHeight = BigInt(from);
      }
      return op;
    }
    default:
      return invalid(id, "op must be subscribe, unsubscribe or ping");
  }
}

/** `"id":…,` for echoing a client id (empty when absent). */
export function idField(id: unknown): string {
  return id === undefined ? "" : `,"id":${JSON.stringify(id)}`;
}
