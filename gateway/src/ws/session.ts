/**
 * One WebSocket connection: its ops (subscribe, unsubscribe, ping), its subscriptions, resuming
 * blocks from a height, and the slow-client rule. Resume: the subscription starts queueing live
 * blocks first, then the blocks from `from_height` up to the current head are replayed from the
 * block store (paced by the connection's send buffer), then the queue is flushed minus the blocks
 * already replayed — no gap, no duplicate. A client whose send buffer passes the limit is closed
 * with 1008 "send buffer exceeded" instead of holding the node back.
 */
import { delay, isCairnError } from "@cairn/core";
import type { JsonObject } from "@cairn/protocol";
import { blockDelivery, type Delivery } from "./deliveries.ts";
import type { HubInternals } from "./hub.ts";
import { type ClientOp, idField, parseClientOp, type Topic } from "./protocol.ts";

/** The socket, as the session uses it (Bun's `ServerWebSocket` fits). */
export interface WsPeer {
  /** Bun: bytes sent, -1 when queued under backpressure, 0 when dropped. */
  send(text: string): number;
  getBufferedAmount(): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

/** One subscription of a session, as the hub fans out to it. */
export interface Subscriber {
  readonly id: number;
  readonly topic: Topic;
  readonly contract?: string | undefined;
  readonly name?: string | undefined;
  push(d: Delivery): void;
}

/** A connection's session. */
export interface Session {
  /** A text frame from the client. */
  receive(text: string): void;
  /** The socket closed (by either side). */
  closed(): void;
  /** Closes the socket from the server side. */
  shutdown(code: number, reason: string): void;
}

/** Close code and reason for a client that does not keep up. */
export const SLOW_CLIENT_CLOSE = { code: 1008, reason: "send buffer exceeded" } as const;

/** Blocks fetched per block-store call while replaying. */
const REPLAY_PAGE = 100;
/** How long replay waits for the block store to catch up with the chain head. */
const STORE_LAG_RETRIES = 20;
const STORE_LAG_DELAY_MS = 100;

interface SubState extends Subscriber {
  /** Live deliveries held while replaying; undefined once live. */
  queue: Delivery[] | undefined;
}

/** Creates the session of a new connection. */
export function createSession(peer: WsPeer, hub: HubInternals): Session {
  const { options, deps } = hub;
  const subs = new Map<number, SubState>();
  let nextId = 1;
  let open = true;

  function send(text: string): void {
    if (!open) return;
    const sent = peer.send(text);
    if (sent === 0 || peer.getBufferedAmount() > options.maxBufferedBytes) {
      deps.metrics.wsSlowClients.inc();
      deps.logger.info({ buffered: peer.getBufferedAmount() }, "websocket client too slow; closing");
      shutdown(SLOW_CLIENT_CLOSE.code, SLOW_CLIENT_CLOSE.reason);
    }
  }

  function deliver(sub: SubState, d: Delivery): void {
    deps.metrics.wsMessages.labels(sub.topic).inc();
    send(`{"type":"${d.kind}","subscription":${sub.id},${d.rest}`);
  }

  function reply(type: string, id: unknown, fields = ""): void {
    send(`{"type":"${type}"${fields}${idField(id)}}`);
  }

  function dropAll(): void {
    for (const sub of subs.values()) hub.remove(sub);
    subs.clear();
  }

  function shutdown(code: number, reason: string): void {
    if (!open) return;
    open = false;
    dropAll();
    hub.closed(session);
    peer.close(code, reason);
    // A client that reads nothing never sees the close frame either: cut it after a grace.
    setTimeout(() => peer.terminate(), options.terminateAfterMs ?? 1000).unref?.();
  }

  async function subscribe(op: Extract<ClientOp, { op: "subscribe" }>): Promise<void> {
    if (subs.size >= options.maxSubscriptions) return reply("error", op.id, `,"message":"at most ${options.maxSubscriptions} subscriptions per connection"`);
    const sub: SubState = {
      id: nextId++,
      topic: op.topic,
      contract: op.contract,
      name: op.name,
      queue: op.fromHeight === undefined ? undefined : [],
      push(d) {
        if (this.queue !== undefined) this.queue.push(d);
        else deliver(this, d);
      },
    };
    subs.set(sub.id, sub);
    try {
      await hub.add(sub);
    } catch (err) {
      subs.delete(sub.id);
      return reply("error", op.id, `,"message":${JSON.stringify(err instanceof Error ? err.message : String(err))}`);
    }
    if (!open || !subs.has(sub.id)) return hub.remove(sub);
    reply("subscribed", op.id, `,"subscription":${sub.id},"topic":"${sub.topic}"`);
    if (op.fromHeight !== undefined) await resume(sub, op.fromHeight, op.id);
  }

  async function resume(sub: SubState, from: bigint, id: unknown): Promise<void> {
    const replayed = new Set<string>();
    try {
      await replay(sub, from, replayed);
    } catch (err) {
      reply("error", id, `,"subscription":${sub.id},"message":${JSON.stringify(`replay failed: ${err instanceof Error ? err.message : String(err)}`)}`);
      subs.delete(sub.id);
      hub.remove(sub);
      return;
    }
    const queued = sub.queue ?? [];
    sub.queue = undefined;
    for (const d of queued) {
      if (d.kind === "block" && d.blockId !== undefined && replayed.has(d.blockId)) continue;
      deliver(sub, d);
    }
  }

  async function replay(sub: SubState, from: bigint, replayed: Set<string>): Promise<void> {
    const headInfo = deps.table.get("chain", "get_head_info");
    const byHeight = deps.table.get("block_store", "get_blocks_by_height");
    if (headInfo === undefined || byHeight === undefined) throw new Error("resuming needs the chain and block store services");
    const head = headInfo.output.toJson((await headInfo.call(headInfo.input.fns.create(), { deadlineMs: options.timeoutMs })) as Record<string, unknown>);
    const topology = (head.head_topology ?? {}) as JsonObject;
    const headId = String(topology.id ?? "");
    const headHeight = BigInt(String(topology.height ?? "0"));
    if (from > headHeight) return;
    if (headHeight - from + 1n > BigInt(options.maxReplayBlocks)) throw new Error(`from_height is more than ${options.maxReplayBlocks} blocks behind the head`);
    for (let start = from; start <= headHeight && open && subs.has(sub.id); ) {
      const count = Number(headHeight - start + 1n < BigInt(REPLAY_PAGE) ? headHeight - start + 1n : BigInt(REPLAY_PAGE));
      const request = byHeight.input.fromJson({ head_block_id: headId, ancestor_start_height: start.toString(), num_blocks: count, return_block: true, return_receipt: true });
      const items = ((await readWithLag(() => byHeight.call(request, { deadlineMs: options.timeoutMs })).then((r) => byHeight.output.toJson(r as Record<string, unknown>))).block_items ?? []) as JsonObject[];
      if (items.length === 0) throw new Error(`block store has no blocks from height ${start}`);
      for (const item of items) {
        const blockId = String(item.block_id);
        const height = BigInt(String(item.block_height ?? "0"));
        const block = item.block as JsonObject | undefined;
        const header = (block?.header ?? {}) as JsonObject;
        const body = { ...(block === undefined ? {} : { block }), ...(item.receipt === undefined ? {} : { receipt: item.receipt }) };
        const data = JSON.stringify(deps.events === undefined ? body : await deps.events.annotateAsync(body));
        replayed.add(blockId);
        deliver(sub, blockDelivery({ id: blockId, height, previous: String(header.previous ?? "") }, blockId === headId, data, true));
        start = height + 1n;
      }
      while (open && peer.getBufferedAmount() > options.maxBufferedBytes / 2) await delay(5);
    }
  }

  /** The block store applies blocks from the bus a little after the chain: retry briefly. */
  async function readWithLag<T>(read: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (err) {
        const serviceError = isCairnError(err) && !err.code.startsWith("rpc.");
        if (!serviceError || attempt >= STORE_LAG_RETRIES || !open) throw err;
        await delay(STORE_LAG_DELAY_MS);
      }
    }
  }

  const session: Session = {
    receive(text) {
      if (!open) return;
      const op = parseClientOp(text);
      switch (op.op) {
        case "ping":
          return reply("pong", op.id);
        case "invalid":
          return reply("error", op.id, `,"message":${JSON.stringify(op.message)}`);
        case "unsubscribe": {
          const sub = subs.get(op.subscription);
          if (sub === undefined) return reply("error", op.id, `,"message":"no subscription ${op.subscription}"`);
          subs.delete(sub.id);
          hub.remove(sub);
          return reply("unsubscribed", op.id, `,"subscription":${sub.id}`);
        }
        case "subscribe":
          void subscribe(op).catch((err: unknown) => deps.logger.warn({ err: String(err) }, "websocket subscribe failed"));
          return;
      }
    },
    closed() {
      if (!open) return;
      open = false;
      dropAll();
      hub.closed(session);
    },
    shutdown,
  };
  return session;
}
