/** The event-fed read cache and single-flight, through `createApp` and directly. */
import { describe, expect, test } from "bun:test";
import { silentLogger } from "@cairn/core";
import { defaultJsonCodec } from "@cairn/protocol";
import { createApp } from "../app.ts";
import { createFakeBus } from "../testing/fake-bus.ts";
import { createFakeNode } from "../testing/fake-node.ts";
import { call, post } from "../testing/http.ts";
import { buildMethodTable } from "./method-table.ts";
import { createReadCache } from "./read-cache.ts";

const headCalls = (node: ReturnType<typeof createFakeNode>) => node.controls.calls.filter((c) => c.method === "getHeadInfo").length;

describe("read cache", () => {
  test("off when disabled: every call reaches the service", async () => {
    const node = createFakeNode(2);
    const app = createApp({ readCache: { enabled: false } }, { clients: node.clients, bus: createFakeBus() });
    for (let i = 0; i < 3; i++) await post(app, call("chain.get_head_info"));
    expect(headCalls(node)).toBe(3);
  });

  test("on: served from the cache until a block event, then fresh", async () => {
    const node = createFakeNode(2);
    const bus = createFakeBus();
    const app = createApp({}, { clients: node.clients, bus }); // on by default when there is a bus
    await post(app, call("chain.get_head_info")); // subscribes; not live yet
    expect(bus.patterns).toEqual(["koinos.block.>"]);
    const first = (await post(app, call("chain.get_head_info"))).json.result;
    const calls = headCalls(node);
    for (let i = 0; i < 5; i++) expect((await post(app, call("chain.get_head_info", {}, i))).json).toEqual({ jsonrpc: "2.0", result: first, id: i });
    expect(headCalls(node)).toBe(calls);
    const b3 = node.addBlock();
    await bus.publish("koinos.block.accept", node.blockAccepted(b3, true));
    expect((await post(app, call("chain.get_head_info"))).json.result.head_topology.height).toBe("3");
    expect(headCalls(node)).toBe(calls + 1);
    await app.close();
    expect(bus.patterns).toEqual([]);
  });

  test("an answer whose call overlapped a block event is not stored", async () => {
    const node = createFakeNode(2);
    const bus = createFakeBus();
    const app = createApp({ readCache: { enabled: true } }, { clients: node.clients, bus });
    await post(app, call("chain.get_head_info"));
    await Bun.sleep(1);
    node.controls.delayMs = 30;
    const slow = post(app, call("chain.get_head_info"));
    await Bun.sleep(5);
    node.addBlock();
    await bus.publish("koinos.block.accept", node.blockAccepted(node.head!, true));
    await slow;
    node.controls.delayMs = 0;
    const before = headCalls(node);
    expect((await post(app, call("chain.get_head_info"))).json.result.head_topology.height).toBe("3");
    expect(headCalls(node)).toBe(before + 1);
  });

  test("never older than maxAgeMs; only listed methods", async () => {
    let now = 0;
    const bus = createFakeBus();
    const cache = createReadCache({ methods: ["chain.get_head_info"], maxAgeMs: 100, maxEntries: 10 }, { bus, logger: silentLogger(), now: () => now });
    const table = buildMethodTable(defaultJsonCodec(), createFakeNode(1).clients, { allow: [], deny: [] });
    const head = table.get("chain", "get_head_info")!;
    expect(cache.applies(table.get("chain", "get_account_rc")!)).toBe(false);
    expect(cache.applies(head)).toBe(true);
    await Bun.sleep(0);
    const answer = { json: {}, text: "{}" };
    cache.store(head, "{}", cache.generation(), answer);
    expect(cache.lookup(head, "{}")).toBe(answer);
    now = 101;
    expect(cache.lookup(head, "{}")).toBeUndefined();
    await cache.close();
  });

  test("bounded: junk params share one entry, at most maxEntries answers, long keys never stored", async () => {
    const node = createFakeNode(2);
    const bus = createFakeBus();
    const app = createApp({}, { clients: node.clients, bus });
    await post(app, call("chain.get_head_info"));
    await Bun.sleep(1);
    await post(app, call("chain.get_head_info"));
    const calls = headCalls(node);
    // Unknown fields decode to the same (empty) request: one entry, no new calls.
    for (let i = 0; i < 50; i++) {
      const r = await post(app, call("chain.get_head_info", { [`junk${i}`]: "x".repeat(10_000) }, i));
      expect(r.json.result.head_topology.height).toBe("2");
    }
    expect(headCalls(node)).toBe(calls);

    const bus2 = createFakeBus();
    const cache = createReadCache({ methods: ["chain.get_head_info"], maxAgeMs: 1000, maxEntries: 3, maxKeyLength: 8 }, { bus: bus2, logger: silentLogger() });
    const head = buildMethodTable(defaultJsonCodec(), node.clients, { allow: [], deny: [] }).get("chain", "get_head_info")!;
    cache.applies(head);
    await Bun.sleep(0);
    const answer = { json: {}, text: "{}" };
    for (const key of ["a", "b", "c", "d"]) cache.store(head, key, cache.generation(), answer);
    expect(cache.size()).toBe(3);
    expect(cache.lookup(head, "a")).toBeUndefined();
    expect(cache.lookup(head, "d")).toBe(answer);
    cache.store(head, "too long a key", cache.generation(), answer);
    expect(cache.lookup(head, "too long a key")).toBeUndefined();
    await cache.close();
  });

  test("params nested past the stack are bad params, not an internal error", async () => {
    const node = createFakeNode(2);
    const app = createApp({}, { clients: node.clients, bus: createFakeBus() });
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    const body = `{"jsonrpc":"2.0","id":1,"method":"chain.get_head_info","params":{"a":${deep}}}`;
    const res = await app.request("/", { method: "POST", body, headers: { "content-type": "application/json" } });
    const json = (await res.json()) as { error?: { code: number } };
    expect(json.error?.code).not.toBe(-32603);
  });
});
