/**
 * `createApp(options, deps)`: the whole gateway as a Hono app that never listens — JSON-RPC on any
 * path, REST under /v1/, the OpenAPI document, /ws, /health and /metrics — over the method table
 * built once from the descriptors and the clients given. `main.ts` serves it with `Bun.serve`;
 * tests call `app.request(...)`.
 */
import { createMetricsRegistry, type Logger, type MetricsRegistry, silentLogger } from "@cairn/core";
import { type EventDecoder, defaultJsonCodec, type JsonCodec } from "@cairn/protocol";
import { Hono } from "hono";
import { type ProductionModeView, createHealthCheck } from "./health/health.ts";
import type { GatewayEnv } from "./hono-env.ts";
import { JsonRpcCode, JsonRpcMessage } from "./jsonrpc/errors.ts";
import { createJsonRpcHandler, errorText } from "./jsonrpc/handler.ts";
import { createJsonRpcServer, pathOf } from "./jsonrpc/route.ts";
import { createGatewayMetrics } from "./metrics.ts";
import { accessLog } from "./middleware/access-log.ts";
import { isRestPath, preflightResponse } from "./middleware/cors.ts";
import { jsonRpcResponse, restJsonResponse } from "./responses.ts";
import { bunServerOf, serverOfEnv } from "./middleware/client-ip.ts";
import { createRateLimiter } from "./middleware/rate-limit.ts";
import { type GatewayOptions, type GatewayOptionsInput, parseGatewayOptions } from "./options.ts";
import { createRestCaller } from "./rest/call.ts";
import { restError, RestErrorCode } from "./rest/errors.ts";
import { buildOpenApi } from "./rest/openapi.ts";
import { registerRestRoutes } from "./rest/routes.ts";
import { registerRpcRoutes } from "./rest/rpc-routes.ts";
import { createCaller } from "./table/caller.ts";
import { createJsonCache } from "./table/json-cache.ts";
import { buildMethodTable, type GatewayClients, type MethodTable } from "./table/method-table.ts";
import { createReadCache } from "./table/read-cache.ts";
import { createWsHub, type GatewayBus, type WsHub } from "./ws/hub.ts";
import { gatewayEventDecoder } from "./events.ts";
import { wsRoute } from "./ws/route.ts";
import { loadExplorer, wantsHtml } from "./explorer/static.ts";

/** What the gateway is built from. */
export interface GatewayDeps {
  /**
   * One client per backend service, keyed by fully qualified service name
   * (`cairn.chain.v1.ChainService`): `createGrpcClient` or `createInProcessClient` results. Only
   * services given here are served.
   */
  readonly clients: GatewayClients;
  /** The event bus, for /ws. Absent: WebSocket subscriptions are refused. */
  readonly bus?: GatewayBus | undefined;
  /** Default silent. */
  readonly logger?: Logger | undefined;
  /** Registry for the gateway's metrics, served at /metrics. Default a fresh one. */
  readonly metrics?: MetricsRegistry | undefined;
  /** Default the process-wide Koinos JSON codec. */
  readonly codec?: JsonCodec | undefined;
  /**
   * Decodes contract events on /ws and in REST answers (`decoded` next to the raw `data`). Default:
   * KOIN's events (at `rest.koinContractId`) and those of contracts uploaded with an ABI (read
   * through `contract_meta_store.get_contract_meta` when that service is configured).
   */
  readonly events?: EventDecoder | undefined;
  /** Wall clock in ms (head staleness). Default `Date.now`. */
  readonly now?: (() => number) | undefined;
  /**
   * The production mode in force, read on every `/health` probe: the head check follows it
   * (see `headCheckFor`) instead of the fixed `health` options. For a node whose mode changes
   * at run time (the dev node's `dev.set_production_mode`).
   */
  readonly productionMode?: (() => ProductionModeView | undefined) | undefined;
}

/** The Hono app plus what its owner needs to stop it and inspect it. */
export type GatewayApp = Hono<GatewayEnv> & {
  /** The method table the app serves. */
  readonly table: MethodTable;
  /** The WebSocket hub (connections, bus subscriptions). */
  readonly hub: WsHub;
  /** The options in effect (defaults filled in). */
  readonly options: GatewayOptions;
  /** Requests taken so far (HTTP, any path): a count that moves while the node serves (the dev node's idle collector). */
  requestCount(): number;
  /** Closes WebSocket connections and bus subscriptions (hub, read cache). Does not close the clients. */
  close(): Promise<void>;
};

/** Builds the gateway app. No side effects: nothing listens or subscribes until used. */
export function createApp(input: GatewayOptionsInput, deps: GatewayDeps): GatewayApp {
  const options = parseGatewayOptions(input);
  const logger = (deps.logger ?? silentLogger()).child({ module: "gateway" });
  const codec = deps.codec ?? defaultJsonCodec();
  const metrics = createGatewayMetrics(deps.metrics ?? createMetricsRegistry("gateway", false));
  const table = buildMethodTable(codec, deps.clients, options.jsonRpc);
  const limiter = options.rateLimit.enabled ? createRateLimiter(options.rateLimit) : undefined;
  const clientIpHeader = options.rateLimit.clientIpHeader;
  const cache = options.readCache.enabled && deps.bus !== undefined ? createReadCache(options.readCache, { bus: deps.bus, logger }) : undefined;
  if (options.readCache.enabled && deps.bus === undefined) logger.debug({}, "no bus: the read cache is off");
  const json = options.jsonCache.blockBytes > 0 || options.jsonCache.historyBytes > 0 ? createJsonCache(options.jsonCache, { table, codec }) : undefined;
  const caller = createCaller({ timeoutMs: options.jsonRpc.timeoutMs }, { cache, json });
  const events = deps.events ?? gatewayEventDecoder(table, codec, options.rest.koinContractId, options.jsonRpc.timeoutMs);
  const hub = createWsHub({ ...options.ws, timeoutMs: options.jsonRpc.timeoutMs }, { bus: deps.bus, table, codec, metrics, logger, events });
  const rest = createRestCaller({ clientIpHeader }, { table, caller, logger, metrics, limiter });
  const handle = createJsonRpcHandler(options.jsonRpc, { table, caller, metrics, logger });
  let openApi: string | undefined;

  const app = new Hono<GatewayEnv>();
  app.onError((err, c) => {
    logger.error({ path: c.req.path, err: String(err) }, "unhandled error in route");
    return isRestPath(c.req.path)
      ? restError(500, RestErrorCode.Internal, "An internal server error has occurred")
      : jsonRpcResponse(errorText(null, { code: JsonRpcCode.InternalError, message: JsonRpcMessage.Internal }));
  });
  if (options.accessLog) app.use("*", accessLog(logger));
  app.options("*", (c) => preflightResponse(c.req.path));

  app.get("/health", createHealthCheck(options.health, { table, now: deps.now, productionMode: deps.productionMode }));
  app.get("/metrics", async () => new Response(await metrics.registry.metrics(), { headers: { "Content-Type": metrics.registry.contentType, "Access-Control-Allow-Origin": "*" } }));
  app.get("/openapi.json", () => restJsonResponse((openApi ??= JSON.stringify(buildOpenApi(table, codec)))));
  app.get("/ws", wsRoute(hub, options.ws.maxConnections));
  const explorer = options.explorer ? loadExplorer({ koinContractId: options.rest.koinContractId, decimals: 8 }) : undefined;
  if (explorer) {
    app.get("/explorer/:file", (c) => explorer.asset(c.req.param("file")) ?? restError(404, RestErrorCode.NotFound, `no file ${c.req.path}`));
    app.get("/", (c, next) => (wantsHtml(c.req.raw) ? explorer.page() : next()));
  }

  registerRestRoutes(app, { ...options.rest, maxBodyBytes: options.jsonRpc.maxBodyBytes }, { rest, codec, events });
  registerRpcRoutes(app, { maxBodyBytes: options.jsonRpc.maxBodyBytes }, { rest, table });
  app.all("/v1/*", (c) => rest.run(c, "unknown", async () => restError(404, RestErrorCode.NotFound, `no route ${c.req.method} ${c.req.path}`)));

  // Everything else is JSON-RPC, as on a Koinos node (any path, any method but OPTIONS).
  const jsonRpc = createJsonRpcServer({ maxBodyBytes: options.jsonRpc.maxBodyBytes, clientIpHeader }, { handle, metrics, limiter, accessLog: options.accessLog ? logger : undefined });
  app.all("*", (c) => {
    c.set("jsonRpc", true);
    return jsonRpc(c.req.raw, bunServerOf(c));
  });

  // The hot path skips the router: JSON-RPC requests go straight to their handler (the routes
  // above still serve them when this app is mounted inside another Hono app).
  const routed = app.fetch;
  let requests = 0;
  const fetch = (request: Request, env?: unknown, executionCtx?: Parameters<typeof routed>[2]): Response | Promise<Response> => {
    requests++;
    if (request.method === "OPTIONS" || isRestPath(pathOf(request.url))) return routed(request, env, executionCtx);
    if (explorer && request.method === "GET" && (pathOf(request.url).startsWith("/explorer/") || wantsHtml(request))) return routed(request, env, executionCtx);
    return jsonRpc(request, serverOfEnv(env)).catch((err: unknown) => {
      logger.error({ err: String(err) }, "unhandled error in JSON-RPC");
      return jsonRpcResponse(errorText(null, { code: JsonRpcCode.InternalError, message: JsonRpcMessage.Internal }));
    });
  };

  return Object.assign(app, { fetch, table, hub, options, requestCount: () => requests, close: async () => void (await Promise.all([hub.close(), cache?.close()])) });
}
