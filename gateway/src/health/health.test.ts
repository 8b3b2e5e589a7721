/** /health, /metrics and the access log, through `createApp`. */
import { describe, expect, test } from "bun:test";
import { CairnError, createMetricsRegistry, ErrorStatus, type Logger } from "@cairn/core";
import { block_store, chain } from "@cairn/proto";
import { createApp } from "../app.ts";
import { ALICE, createFakeNode } from "../testing/fake-node.ts";
import { call, get, post } from "../testing/http.ts";

const NOW = 1_800_000_000_000;

function setup(options = {}) {
  const node = createFakeNode(3);
  node.controls.headTime = BigInt(NOW - 5_000);
  const app = createApp(options, { clients: node.clients, now: () => NOW });
  return { node, app };
}

describe("/health", () => {
  test("200 when every service answers and the head is fresh, with a report per check", async () => {
    const { app } = setup();
    const { res, json } = await get(app, "/health");
    expect(res.status).toBe(200);
    expect(json.status).toBe("ok");
    expect(Object.keys(json.checks).sort()).toEqual(["account_history", "block_producer", "block_store", "chain", "contract_meta_store", "dev", "head", "mempool", "transaction_store"]);
    expect(json.checks.chain).toMatchObject({ status: "ok", method: "chain.get_head_info" });
    expect(json.checks.head).toMatchObject({ status: "ok", height: "3", age_ms: 5000, max_age_ms: 60000 });
  });

  test("503 when the head is older than maxHeadAgeMs", async () => {
    const { node, app } = setup();
    node.controls.headTime = BigInt(NOW - 61_000);
    const { res, json } = await get(app, "/health");
    expect(res.status).toBe(503);
    expect(json.status).toBe("unavailable");
    expect(json.checks.head).toMatchObject({ status: "fail", error: "head is stale", age_ms: 61_000 });
  });

  test("idleHeadOk: an old head with an empty mempool is idle; transactions pending past maxHeadAgeMs on one head are a stall", async () => {
    let now = NOW;
    const node = createFakeNode(3);
    node.controls.headTime = BigInt(NOW - 600_000);
    const app = createApp({ health: { maxHeadAgeMs: 60_000, idleHeadOk: true } }, { clients: node.clients, now: () => now });
    let r = await get(app, "/health");
    expect(r.res.status).toBe(200);
    expect(r.json.checks.head).toMatchObject({ status: "ok", idle: true });
    node.controls.pendingCount = 3n;
    r = await get(app, "/health"); // the clock starts
    expect(r.json.checks.head).toMatchObject({ status: "ok", pending: "3", pending_ms: 0 });
    now += 60_001;
    r = await get(app, "/health");
    expect(r.res.status).toBe(503);
    expect(r.json.checks.head).toMatchObject({ status: "fail", error: "transactions pending with no new block", pending_ms: 60_001 });
    // A new block restarts the clock; an empty mempool clears it.
    node.addBlock();
    expect((await get(app, "/health")).res.status).toBe(200);
    now += 30_000;
    expect((await get(app, "/health")).res.status).toBe(200);
    node.controls.pendingCount = 0n;
    now += 60_000;
    expect((await get(app, "/health")).res.status).toBe(200);
  });

  test("productionMode: the head check follows the mode in force, read on every probe", async () => {
    let now = NOW;
    const node = createFakeNode(3);
    node.controls.headTime = BigInt(NOW - 90_000);
    let production: { mode: "instant" | "interval" | "manual"; intervalMs: number } = { mode: "manual", intervalMs: 3000 };
    const app = createApp({ health: { maxHeadAgeMs: 60_000 } }, { clients: node.clients, now: () => now, productionMode: () => production });
    // Manual: blocks come when asked, nothing is due.
    let r = await get(app, "/health");
    expect(r.res.status).toBe(200);
    expect(r.json.checks.head).toMatchObject({ status: "ok", production_mode: "manual", max_age_ms: 0 });
    // Switched to interval (dev.set_production_mode): the same old head is now a stall.
    production = { mode: "interval", intervalMs: 3000 };
    r = await get(app, "/health");
    expect(r.res.status).toBe(503);
    expect(r.json.checks.head).toMatchObject({ status: "fail", error: "head is stale", production_mode: "interval", max_age_ms: 60_000 });
    // A long interval allows three intervals.
    production = { mode: "interval", intervalMs: 40_000 };
    expect((await get(app, "/health")).json.checks.head).toMatchObject({ status: "ok", max_age_ms: 120_000 });
    // Instant: idle with an empty mempool; transactions waiting past maxHeadAgeMs are a stall.
    production = { mode: "instant", intervalMs: 3000 };
    r = await get(app, "/health");
    expect(r.json.checks.head).toMatchObject({ status: "ok", idle: true, production_mode: "instant" });
    node.controls.pendingCount = 2n;
    await get(app, "/health");
    now += 60_001;
    r = await get(app, "/health");
    expect(r.res.status).toBe(503);
    expect(r.json.checks.head).toMatchObject({ status: "fail", error: "transactions pending with no new block" });
  });

  test("maxHeadAgeMs 0 turns the staleness check off", async () => {
    const { node, app } = setup({ health: { maxHeadAgeMs: 0 } });
    node.controls.headTime = 0n;
    expect((await get(app, "/health")).res.status).toBe(200);
  });

  test("503 when a service does not answer within the timeout", async () => {
    const { node, app } = setup({ health: { timeoutMs: 30 } });
    node.controls.delayMs = 200;
    const { res, json } = await get(app, "/health");
    expect(res.status).toBe(503);
    expect(json.checks.chain).toMatchObject({ status: "fail" });
    expect(json.checks.head).toMatchObject({ status: "fail" });
    expect(json.checks.block_store.status).toBe("ok");
  });

  test("a service error still proves the service is up; an unreachable one fails", async () => {
    const node = createFakeNode(1);
    node.controls.headTime = BigInt(NOW);
    const app = createApp({}, {
      now: () => NOW,
      clients: {
        [chain.ChainServiceDefinition.fullName]: node.clients[chain.ChainServiceDefinition.fullName]!,
        [block_store.BlockStoreServiceDefinition.fullName]: {
          getHighestBlock: async () => {
            throw new CairnError("rpc.unavailable", "down", { status: ErrorStatus.Unavailable });
          },
        },
        "cairn.mempool.v1.MempoolService": {
          getPendingTransactionCount: async () => {
            throw new CairnError("mempool.bad", "missing payee", { status: ErrorStatus.InvalidArgument });
          },
        },
      },
    });
    const { res, json } = await get(app, "/health");
    expect(res.status).toBe(503);
    expect(json.checks.block_store).toMatchObject({ status: "fail", error: "service unavailable" });
    expect(json.checks.mempool.status).toBe("ok");
  });
});

describe("/metrics", () => {
  test("Prometheus text with requests by method and outcome, and durations", async () => {
    const registry = createMetricsRegistry("gateway", false);
    const app = createApp({}, { clients: createFakeNode(1).clients, metrics: registry });
    await post(app, call("chain.get_head_info", {}));
    await post(app, call("chain.nope", {}));
    await post(app, call("block_store.add_block", {}));
    await get(app, "/v1/head");
    const res = await app.request("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain('cairn_gateway_requests_total{method="chain.get_head_info",outcome="ok",service="gateway"} 1');
    expect(text).toContain('cairn_gateway_requests_total{method="unknown",outcome="rejected",service="gateway"} 1');
    expect(text).toContain('cairn_gateway_requests_total{method="block_store.add_block",outcome="rejected",service="gateway"} 1');
    expect(text).toContain('cairn_gateway_requests_total{method="GET /v1/head",outcome="ok",service="gateway"} 1');
    expect(text).toMatch(/cairn_gateway_request_duration_seconds_count{(method="chain.get_head_info",service="gateway"|service="gateway",method="chain.get_head_info")} 1/);
    expect(text).toContain("cairn_gateway_ws_connections");
  });
});

describe("access log", () => {
  test("one line per request: method, path, status, duration, JSON-RPC methods — never bodies", async () => {
    const lines: { obj: Record<string, unknown>; msg?: string }[] = [];
    const logger: Logger = {
      trace: () => {},
      debug: () => {},
      info: (obj, msg) => void lines.push({ obj: obj as Record<string, unknown>, msg }),
      warn: () => {},
      error: () => {},
      fatal: () => {},
      child: () => logger,
    };
    const app = createApp({}, { clients: createFakeNode(1).clients, logger });
    await post(app, [call("chain.get_account_nonce", { account: ALICE }), call("chain.get_chain_id")], { path: "/rpc" });
    const line = lines.find((l) => l.msg === "http request")!;
    expect(line.obj).toMatchObject({ method: "POST", path: "/rpc", status: 200 });
    expect(typeof line.obj.durationMs).toBe("number");
    expect([...(line.obj.rpc as string[])].sort()).toEqual(["chain.get_account_nonce", "chain.get_chain_id"]);
    expect(JSON.stringify(lines)).not.toContain(ALICE);
  });

  test("off when accessLog is false", async () => {
    let count = 0;
    const logger = { trace() {}, debug() {}, info: () => void count++, warn() {}, error() {}, fatal() {}, child: () => logger } as Logger;
    const app = createApp({ accessLog: false }, { clients: createFakeNode(1).clients, logger });
    await post(app, call("chain.get_chain_id"));
    expect(count).toBe(0);
  });
});
