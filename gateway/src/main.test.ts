/** `startGateway` on a real port: HTTP, WebSocket, body limits on the wire, slow clients, shutdown. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import { createMetricsRegistry, silentLogger } from "@cairn/core";
import { broadcast, protocol } from "@cairn/proto";
import { type RunningGateway, startGateway } from "./main.ts";
import { createFakeBus } from "./testing/fake-bus.ts";
import { createFakeNode, fakeId, KOIN } from "./testing/fake-node.ts";
import { call } from "./testing/http.ts";

const node = createFakeNode(3);
const bus = createFakeBus();
const metrics = createMetricsRegistry("gateway", false);
let gw: RunningGateway;

beforeAll(async () => {
  gw = await startGateway({ host: "127.0.0.1", port: 0, jsonRpc: { maxBodyBytes: 64 * 1024 }, ws: { maxBufferedBytes: 256 * 1024 } }, { clients: node.clients, bus, logger: silentLogger(), metrics });
});
afterAll(async () => {
  await gw.stop();
});

function openWs(): Promise<{ ws: WebSocket; messages: any[]; next: (type: string, count?: number) => Promise<any[]> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/ws`);
  const messages: any[] = [];
  ws.onmessage = (e) => messages.push(JSON.parse(String(e.data)));
  const next = async (type: string, count = 1) => {
    const end = Date.now() + 3000;
    while (messages.filter((m) => m.type === type).length < count) {
      if (Date.now() > end) throw new Error(`no ${type} message`);
      await Bun.sleep(2);
    }
    return messages.filter((m) => m.type === type);
  };
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve({ ws, messages, next });
    ws.onerror = reject;
  });
}

describe("HTTP on a real port", () => {
  test("JSON-RPC as koilib sends it", async () => {
    const res = await fetch(gw.url, { method: "POST", body: JSON.stringify(call("chain.get_head_info", {})) });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(((await res.json()) as any).result.head_topology.height).toBe("3");
  });

  test("a body over the limit gets a JSON-RPC error, not a dropped connection", async () => {
    const body = JSON.stringify(call("chain.get_chain_id", { pad: "x".repeat(3 * 1024 * 1024) }));
    const res = await fetch(gw.url, { method: "POST", body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ jsonrpc: "2.0", error: { code: -32602, message: "Request exceeds maximum message size", data: "request body exceeds 65536 bytes" }, id: null });
    // The connection is still good for the next request.
    expect((await fetch(gw.url, { method: "POST", body: JSON.stringify(call("chain.get_chain_id")) })).status).toBe(200);
  });

  test("/health and /metrics are served", async () => {
    expect((await fetch(`${gw.url}/health`)).status).toBe(503); // the fake head is from 2023
    expect(await (await fetch(`${gw.url}/metrics`)).text()).toContain("cairn_gateway_requests_total");
  });

  test("requestCount counts every request taken, JSON-RPC and REST alike", async () => {
    const before = gw.app.requestCount();
    await fetch(gw.url, { method: "POST", body: JSON.stringify(call("chain.get_chain_id")) });
    await fetch(`${gw.url}/health`);
    await fetch(`${gw.url}/v1/chain/head`);
    expect(gw.app.requestCount() - before).toBe(3);
  });

  test("GET /ws without an upgrade → 426", async () => {
    expect((await fetch(`${gw.url}/ws`)).status).toBe(426);
  });
});

describe("WebSocket on a real port", () => {
  test("subscribe, ack, pushes, fork notice", async () => {
    const { ws, next } = await openWs();
    ws.send(JSON.stringify({ op: "subscribe", topic: "blocks", id: "b" }));
    expect((await next("subscribed"))[0]).toEqual({ type: "subscribed", subscription: 1, topic: "blocks", id: "b" });
    const b2 = node.blockAt(2)!;
    const b4 = node.addBlock();
    await bus.publish("koinos.block.accept", node.blockAccepted(b4, true));
    expect((await next("block"))[0]).toMatchObject({ height: "4", head: true });
    const c3 = node.addBlock(b2.block.id, false);
    await bus.publish("koinos.block.accept", node.blockAccepted(c3, false));
    const c4 = node.addBlock(c3.block.id, false);
    await bus.publish("koinos.block.accept", node.blockAccepted(c4, false));
    const c5 = node.addBlock(c4.block.id, true);
    await bus.publish("koinos.block.accept", node.blockAccepted(c5, true));
    const [fork] = await next("fork");
    expect(fork.undo).toHaveLength(2);
    expect(fork.apply).toHaveLength(3);
    expect(fork.new_head.height).toBe("5");
    ws.close();
  });

  test("a client that stops reading is cut off with 1008; others keep receiving", async () => {
    const good = await openWs();
    good.ws.send(JSON.stringify({ op: "subscribe", topic: "events", contract: KOIN }));
    await good.next("subscribed");

    const raw = await rawWebSocket(gw.port);
    raw.socket.write(maskedText(JSON.stringify({ op: "subscribe", topic: "events" })));
    await Bun.sleep(50);
    raw.socket.pause(); // never read again
    const closed = new Promise<void>((resolve) => raw.socket.once("close", () => resolve()));

    const slowBefore = await slowClients();
    const payload = broadcast.EventParcel.encode(broadcast.EventParcel.fromPartial({ block_id: fakeId("b"), height: 1n, event: protocol.EventData.fromPartial({ name: "big", data: new Uint8Array(200 * 1024) }) })).finish();
    for (let i = 0; i < 400 && (await slowClients()) === slowBefore; i++) {
      await bus.publish(`koinos.event.${KOIN}.big`, payload);
      await Bun.sleep(0);
    }
    expect(await slowClients()).toBe(slowBefore + 1);
    expect(gw.app.hub.connections).toBe(1);
    // Reading again, the client finds the close frame (1008, reason) after what was queued.
    const received: Buffer[] = [];
    raw.socket.on("data", (c: Buffer) => received.push(c));
    raw.socket.resume();
    await closed;
    const all = Buffer.concat(received);
    const at = all.lastIndexOf("send buffer exceeded");
    expect(at).toBeGreaterThan(0);
    expect(all.readUInt16BE(at - 2)).toBe(1008);
    await good.next("event", 3);
    good.ws.close();
  });
});

describe("WebSocket connection cap", () => {
  test("past ws.maxConnections an upgrade gets 503 gateway.ws_full; a freed slot takes the next one", async () => {
    const capped = await startGateway({ host: "127.0.0.1", port: 0, ws: { maxConnections: 2 } }, { clients: node.clients, bus, logger: silentLogger(), metrics: createMetricsRegistry("gateway", false) });
    try {
      const a = await rawWebSocket(capped.port);
      const b = await rawWebSocket(capped.port);
      for (let i = 0; i < 100 && capped.app.hub.connections < 2; i++) await Bun.sleep(5);
      expect(capped.app.hub.connections).toBe(2);
      const refused = await rawWebSocket(capped.port).catch((e: Error) => e);
      expect(String(refused)).toContain("HTTP/1.1 503");
      a.socket.destroy();
      for (let i = 0; i < 100 && capped.app.hub.connections > 1; i++) await Bun.sleep(5);
      const c = await rawWebSocket(capped.port);
      c.socket.destroy();
      b.socket.destroy();
    } finally {
      await capped.stop();
    }
  });

  test("the refusal says why, as a REST error", async () => {
    const capped = await startGateway({ host: "127.0.0.1", port: 0, ws: { maxConnections: 1 } }, { clients: node.clients, bus, logger: silentLogger(), metrics: createMetricsRegistry("gateway", false) });
    try {
      const a = await rawWebSocket(capped.port);
      for (let i = 0; i < 100 && capped.app.hub.connections < 1; i++) await Bun.sleep(5);
      const answer = await rawAnswer(capped.port);
      expect(answer).toStartWith("HTTP/1.1 503");
      expect(answer).toContain('"code":"gateway.ws_full"');
      expect(answer).toContain("too many WebSocket connections (1), try again later");
      a.socket.destroy();
    } finally {
      await capped.stop();
    }
  });
});

/** The whole HTTP answer to a WebSocket upgrade request (for refusals). */
function rawAnswer(port: number): Promise<string> {
  return new Promise((resolve) => {
    let all = "";
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    socket.on("data", (c: Buffer) => {
      all += c.toString("latin1");
      if (all.includes("}}")) socket.destroy();
    });
    socket.on("close", () => resolve(all));
    socket.on("error", () => resolve(all));
  });
}

async function slowClients(): Promise<number> {
  const m = await metrics.getSingleMetric("cairn_gateway_ws_slow_clients_total")!.get();
  return m.values[0]?.value ?? 0;
}

/** A WebSocket client on a plain TCP socket, so the test can stop reading. */
function rawWebSocket(port: number): Promise<{ socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    let head = "";
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      if (head.includes("\r\n\r\n")) {
        socket.off("data", onData);
        if (!head.startsWith("HTTP/1.1 101")) reject(new Error(head.split("\r\n")[0]));
        else resolve({ socket });
      }
    };
    socket.on("data", onData);
    socket.on("error", () => {});
  });
}

/** A masked client text frame (payload < 126 bytes). */
function maskedText(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}
