/** The WebSocket hub and sessions with fake sockets and a fake bus (no server). */
import { describe, expect, test } from "bun:test";
import { waitUntil } from "@cairn/test-utils";
import { createMetricsRegistry, fromBase58, silentLogger, toHex } from "@cairn/core";
import { broadcast, protocol } from "@cairn/proto";
import { defaultJsonCodec } from "@cairn/protocol";
import { createGatewayMetrics } from "../metrics.ts";
import { buildMethodTable } from "../table/method-table.ts";
import { createFakeBus, type FakeBus } from "../testing/fake-bus.ts";
import { ALICE, createFakeNode, fakeId, KOIN, type FakeNode } from "../testing/fake-node.ts";
import { createWsHub, type WsHubOptions } from "./hub.ts";
import type { WsPeer } from "./session.ts";

class FakePeer implements WsPeer {
  sent: string[] = [];
  buffered = 0;
  closed: { code?: number; reason?: string } | undefined;
  terminated = false;
  send(text: string): number {
    if (this.closed !== undefined) return 0;
    this.sent.push(text);
    return text.length;
  }
  getBufferedAmount(): number {
    return this.buffered;
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
  }
  terminate(): void {
    this.terminated = true;
  }
  get messages(): any[] {
    return this.sent.map((s) => JSON.parse(s));
  }
  of(type: string): any[] {
    return this.messages.filter((m) => m.type === type);
  }
}

const until = (cond: () => boolean) => waitUntil(cond, 2000);

const OPTIONS: WsHubOptions = { maxBufferedBytes: 1000, maxSubscriptions: 3, maxReplayBlocks: 100, forkWindow: 100, timeoutMs: 1000, terminateAfterMs: 20 };

function setup(node: FakeNode = createFakeNode(3), options: Partial<WsHubOptions> = {}, withBus = true) {
  const bus: FakeBus | undefined = withBus ? createFakeBus() : undefined;
  const codec = defaultJsonCodec();
  const metrics = createGatewayMetrics(createMetricsRegistry("gateway", false));
  const table = buildMethodTable(codec, node.clients, { allow: [], deny: [] });
  const hub = createWsHub({ ...OPTIONS, ...options }, { bus, table, codec, metrics, logger: silentLogger() });
  return { node, bus: bus!, hub, metrics };
}

const subscribe = (topic: string, extra: Record<string, unknown> = {}) => JSON.stringify({ op: "subscribe", topic, ...extra });
const hex = (b: Uint8Array) => `0x${toHex(b)}`;

describe("protocol basics", () => {
  test("ping → pong (id echoed); bad messages → error replies", () => {
    const { hub } = setup();
    const peer = new FakePeer();
    const s = hub.open(peer);
    s.receive(JSON.stringify({ op: "ping", id: 7 }));
    s.receive("not json");
    s.receive(JSON.stringify({ op: "subscribe", topic: "weather" }));
    s.receive(JSON.stringify({ op: "subscribe", topic: "transactions", from_height: 3 }));
    s.receive(JSON.stringify({ op: "unsubscribe", subscription: 99 }));
    expect(peer.messages).toEqual([
      { type: "pong", id: 7 },
      { type: "error", message: "message is not JSON" },
      { type: "error", message: "topic must be one of blocks, irreversible, transactions, events" },
      { type: "error", message: "from_height is only supported on the blocks topic" },
      { type: "error", message: "no subscription 99" },
    ]);
  });

  test("without a bus, subscriptions are refused", async () => {
    const { hub } = setup(createFakeNode(1), {}, false);
    const peer = new FakePeer();
    hub.open(peer).receive(subscribe("blocks", { id: "a" }));
    await until(() => peer.sent.length > 0);
    expect(peer.messages[0]).toEqual({ type: "error", message: "event stream unavailable on this gateway", id: "a" });
  });

  test("at most maxSubscriptions per connection", async () => {
    const { hub } = setup();
    const peer = new FakePeer();
    const s = hub.open(peer);
    for (let i = 0; i < 4; i++) s.receive(subscribe("transactions"));
    await until(() => peer.sent.length === 4);
    expect(peer.of("subscribed")).toHaveLength(3);
    expect(peer.of("error")[0].message).toBe("at most 3 subscriptions per connection");
  });
});

describe("bus subscriptions follow the clients", () => {
  test("subscribed only while some client wants the topic", async () => {
    const { hub, bus } = setup();
    expect(bus.patterns).toEqual([]);
    const a = new FakePeer();
    const b = new FakePeer();
    const sa = hub.open(a);
    const sb = hub.open(b);
    sa.receive(subscribe("blocks"));
    sb.receive(subscribe("blocks"));
    await until(() => a.of("subscribed").length === 1 && b.of("subscribed").length === 1);
    expect(bus.patterns).toEqual(["koinos.block.accept"]);
    expect(hub.activeTopics).toEqual(["blocks"]);
    sa.receive(JSON.stringify({ op: "unsubscribe", subscription: a.of("subscribed")[0].subscription, id: 1 }));
    expect(a.messages.at(-1)).toEqual({ type: "unsubscribed", subscription: 1, id: 1 });
    expect(bus.patterns).toEqual(["koinos.block.accept"]);
    sb.closed();
    await until(() => bus.patterns.length === 0);
    expect(hub.activeTopics).toEqual([]);
    expect(hub.connections).toBe(1);
  });
});

describe("pushes", () => {
  test("new blocks: id, height, head flag and the BlockAccepted Koinos JSON", async () => {
    const { hub, bus, node } = setup();
    const peer = new FakePeer();
    hub.open(peer).receive(subscribe("blocks", { id: "s1" }));
    await until(() => peer.sent.length === 1);
    expect(peer.messages[0]).toEqual({ type: "subscribed", subscription: 1, topic: "blocks", id: "s1" });
    const blk = node.addBlock();
    await bus.publish("koinos.block.accept", node.blockAccepted(blk, true));
    const msg = peer.of("block")[0];
    expect(msg).toMatchObject({ type: "block", subscription: 1, id: hex(blk.block.id), height: "4", head: true });
    expect(msg.data.head).toBe(true);
    expect(msg.data.live).toBe(true);
    expect(msg.data.block.header.height).toBe("4");
    expect(msg.data.block.header.signer).toBe(ALICE);
    expect(msg.data.receipt.height).toBe("4");
  });

  test("a fork switch is announced before the block that causes it", async () => {
    const { hub, bus, node } = setup();
    const peer = new FakePeer();
    hub.open(peer).receive(subscribe("blocks"));
    await until(() => peer.sent.length === 1);
    const b3 = node.head!;
    const b2 = node.blockAt(2)!;
    const c3 = node.addBlock(b2.block.id, false);
    await bus.publish("koinos.block.accept", node.blockAccepted(c3, false));
    const c4 = node.addBlock(c3.block.id, true);
    await bus.publish("koinos.block.accept", node.blockAccepted(c4, true));
    const types = peer.messages.slice(1).map((m) => m.type);
    expect(types).toEqual(["block", "fork", "block"]);
    expect(peer.of("fork")[0]).toEqual({
      type: "fork",
      subscription: 1,
      old_head: { id: hex(b3.block.id), height: "3" },
      new_head: { id: hex(c4.block.id), height: "4" },
      common_ancestor: { id: hex(b2.block.id), height: "2" },
      undo: [hex(b3.block.id)],
      apply: [hex(c3.block.id), hex(c4.block.id)],
      complete: true,
    });
    expect(peer.of("block")[1].head).toBe(true);
  });

  test("irreversible blocks and accepted transactions", async () => {
    const { hub, bus } = setup();
    const peer = new FakePeer();
    const s = hub.open(peer);
    s.receive(subscribe("irreversible"));
    s.receive(subscribe("transactions"));
    await until(() => peer.of("subscribed").length === 2);
    await bus.publish("koinos.block.irreversible", broadcast.BlockIrreversible.encode({ topology: { id: fakeId("x"), height: 9n, previous: fakeId("w") } }).finish());
    await bus.publish("koinos.transaction.accept", broadcast.TransactionAccepted.encode(broadcast.TransactionAccepted.fromPartial({ transaction: { id: fakeId("t") }, receipt: { id: fakeId("t"), rc_used: 5n }, height: 9n })).finish());
    expect(peer.of("irreversible")[0]).toEqual({ type: "irreversible", subscription: 1, data: { topology: { id: hex(fakeId("x")), height: "9", previous: hex(fakeId("w")) } } });
    expect(peer.of("transaction")[0]).toEqual({ type: "transaction", subscription: 2, data: { transaction: { id: hex(fakeId("t")) }, receipt: { id: hex(fakeId("t")), rc_used: "5" }, height: "9" } });
  });

  test("contract events, filtered by contract and name", async () => {
    const { hub, bus } = setup();
    const all = new FakePeer();
    const byContract = new FakePeer();
    const byName = new FakePeer();
    hub.open(all).receive(subscribe("events"));
    hub.open(byContract).receive(subscribe("events", { contract: KOIN }));
    hub.open(byName).receive(subscribe("events", { contract: KOIN, name: "koinos.contracts.token.mint_event" }));
    await until(() => [all, byContract, byName].every((p) => p.sent.length === 1));
    const parcel = (name: string) => broadcast.EventParcel.encode(broadcast.EventParcel.fromPartial({ block_id: fakeId("b"), height: 3n, event: protocol.EventData.fromPartial({ source: fromBase58(KOIN), name, data: new Uint8Array([1]) }) })).finish();
    await bus.publish(`koinos.event.${KOIN}.koinos.contracts.token.transfer_event`, parcel("koinos.contracts.token.transfer_event"));
    await bus.publish(`koinos.event.${KOIN}.koinos.contracts.token.mint_event`, parcel("koinos.contracts.token.mint_event"));
    await bus.publish(`koinos.event.${ALICE}.other`, parcel("other"));
    expect(all.of("event")).toHaveLength(3);
    expect(byContract.of("event").map((m) => m.name)).toEqual(["koinos.contracts.token.transfer_event", "koinos.contracts.token.mint_event"]);
    const [mint] = byName.of("event");
    expect(byName.of("event")).toHaveLength(1);
    expect(mint).toMatchObject({ contract: KOIN, name: "koinos.contracts.token.mint_event", data: { block_id: hex(fakeId("b")), height: "3", event: { source: KOIN, name: "koinos.contracts.token.mint_event", data: "AQ==" } } });
  });
});

describe("resume from a height", () => {
  test("replays from the block store, then continues live with no gap and no duplicate", async () => {
    const node = createFakeNode(5);
    node.controls.delayMs = 30; // the head read is slow: a block arrives live meanwhile
    const { hub, bus } = setup(node);
    const peer = new FakePeer();
    hub.open(peer).receive(subscribe("blocks", { from_height: 2 }));
    await until(() => bus.patterns.length === 1);
    const b6 = node.addBlock();
    await bus.publish("koinos.block.accept", node.blockAccepted(b6, true)); // queued, and also in the replay
    await until(() => peer.of("block").length === 5);
    const b7 = node.addBlock();
    await bus.publish("koinos.block.accept", node.blockAccepted(b7, true));
    await until(() => peer.of("block").length === 6);
    await Bun.sleep(20);
    const blocks = peer.of("block");
    expect(blocks.map((m) => m.height)).toEqual(["2", "3", "4", "5", "6", "7"]);
    expect(blocks.slice(0, 5).every((m) => m.replay === true)).toBe(true);
    expect(blocks[4].head).toBe(true); // the head at replay time
    expect(blocks[5].replay).toBeUndefined();
    expect(blocks[0].data.block.header.height).toBe("2");
    expect(blocks[0].data.receipt.height).toBe("2");
    expect(peer.of("subscribed")).toHaveLength(1);
  });

  test("from beyond the head: nothing to replay, live only", async () => {
    const { hub, bus, node } = setup(createFakeNode(2));
    const peer = new FakePeer();
    hub.open(peer).receive(subscribe("blocks", { from_height: "10" }));
    await until(() => peer.of("subscribed").length === 1);
    await Bun.sleep(10);
    const b3 = node.addBlock();
    await bus.publish("koinos.block.accept", node.blockAccepted(b3, true));
    await until(() => peer.of("block").length === 1);
    expect(peer.of("block")[0].height).toBe("3");
  });

  test("too far behind → error and the subscription is dropped", async () => {
    const { hub, bus } = setup(createFakeNode(10), { maxReplayBlocks: 5 });
    const peer = new FakePeer();
    hub.open(peer).receive(subscribe("blocks", { from_height: 1, id: 4 }));
    await until(() => peer.of("error").length === 1);
    expect(peer.of("error")[0]).toEqual({ type: "error", subscription: 1, message: "replay failed: from_height is more than 5 blocks behind the head", id: 4 });
    await until(() => bus.patterns.length === 0);
  });
});

describe("slow clients", () => {
  test("a client whose send buffer passes the limit is closed with 1008 instead of stalling", async () => {
    const { hub, bus, node, metrics } = setup();
    const slow = new FakePeer();
    const fast = new FakePeer();
    hub.open(slow).receive(subscribe("blocks"));
    hub.open(fast).receive(subscribe("blocks"));
    await until(() => slow.sent.length === 1 && fast.sent.length === 1);
    slow.buffered = 5000;
    const blk = node.addBlock();
    await bus.publish("koinos.block.accept", node.blockAccepted(blk, true));
    expect(slow.closed).toEqual({ code: 1008, reason: "send buffer exceeded" });
    expect(fast.of("block")).toHaveLength(1);
    expect(hub.connections).toBe(1);
    expect((await metrics.wsSlowClients.get()).values[0]!.value).toBe(1);
    await bus.publish("koinos.block.accept", node.blockAccepted(node.addBlock(), true));
    expect(slow.of("block")).toHaveLength(1); // nothing more is sent to it
    expect(fast.of("block")).toHaveLength(2);
    await until(() => slow.terminated);
  });

  test("shutdown closes every connection with 1001 and drops bus subscriptions", async () => {
    const { hub, bus } = setup();
    const peer = new FakePeer();
    hub.open(peer).receive(subscribe("blocks"));
    await until(() => peer.sent.length === 1);
    await hub.close();
    expect(peer.closed).toEqual({ code: 1001, reason: "server shutting down" });
    expect(bus.patterns).toEqual([]);
  });
});
