/**
 * The gateway's composition root: options → logger → metrics → gRPC clients (one per configured
 * service address) → app → `Bun.serve` (HTTP + WebSocket). As a binary it runs in the process
 * shell every service shares (`runService` of `@cairn/runtime`: config, logger, the NATS bus when
 * one is configured, graceful shutdown on SIGTERM / SIGINT). `startGateway` is also what the
 * one-process dev node calls, with in-process clients and the in-process bus instead of network ones.
 *
 *   bun gateway/src/main.ts [--config cairn.json] [--port 8080] [--nats-url nats://…]
 */
import { fileURLToPath } from "node:url";
import { createLogger, createMetricsRegistry, isAddressInUse, type Logger, type MetricsRegistry, portInUseError } from "@cairn/core";
import * as proto from "@cairn/proto";
import { defaultJsonCodec, type JsonCodec } from "@cairn/protocol";
import { createGrpcClient, type AnyServiceDefinition } from "@cairn/rpc";
import { createApp, type GatewayApp, type GatewayDeps } from "./app.ts";
import { logFormatSchema, logLevelSchema, natsStreamReplicasSchema, natsStreamSchema, natsSubjectPrefixSchema, natsUrlSchema } from "@cairn/config";
import { runService } from "@cairn/runtime";
import { type GatewayOptions, type GatewayOptionsInput, gatewayOptionsSchema, parseGatewayOptions } from "./options.ts";
import type { GatewayClients } from "./table/method-table.ts";
import type { GatewayBus } from "./ws/hub.ts";
import { websocket } from "./ws/route.ts";

/** What `startGateway` may be given instead of building it. */
export interface StartGatewayDeps {
  /** Clients by service full name. Default: gRPC clients to `options.services` addresses (closed on stop). */
  readonly clients?: GatewayClients | undefined;
  /** Event bus for /ws. Default none (WebSocket subscriptions are refused). */
  readonly bus?: GatewayBus | undefined;
  /** Default a JSON logger named `gateway`. */
  readonly logger?: Logger | undefined;
  /** Default a fresh registry with process metrics. */
  readonly metrics?: MetricsRegistry | undefined;
  readonly codec?: JsonCodec | undefined;
  /** The production mode in force, for `/health` (see `GatewayDeps.productionMode`). */
  readonly productionMode?: GatewayDeps["productionMode"];
}

/** A running gateway. */
export interface RunningGateway {
  /** The port it listens on (useful with `port: 0`). */
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
  readonly app: GatewayApp;
  /**
   * Stops accepting connections, closes WebSocket clients (1001), lets in-flight requests finish
   * for up to `shutdownGraceMs`, then closes what is left and the clients it created.
   */
  stop(): Promise<void>;
}

/** `{ <camelCase service key>: address }` → gRPC clients by service full name. */
export function grpcClientsFor(options: GatewayOptions, codec: JsonCodec, logger: Logger): { clients: Record<string, { close(): void }>; close(): void } {
  const addresses = options.services as Record<string, string | undefined>;
  const namespaces = proto as unknown as Record<string, Record<string, unknown> | undefined>;
  const clients: Record<string, { close(): void }> = {};
  for (const service of codec.listServices()) {
    const key = service.jsonRpcService.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const address = addresses[key];
    const definition = namespaces[service.jsonRpcService]?.[service.definitionName] as AnyServiceDefinition | undefined;
    if (address === undefined || definition === undefined) continue;
    clients[service.typeName] = createGrpcClient(definition, address, { deadlineMs: options.jsonRpc.timeoutMs }, { logger });
  }
  return { clients, close: () => Object.values(clients).forEach((c) => c.close()) };
}

/** Builds and serves the gateway; resolves once it listens. */
export async function startGateway(input: GatewayOptionsInput = {}, deps: StartGatewayDeps = {}): Promise<RunningGateway> {
  const options = parseGatewayOptions(input);
  const logger = deps.logger ?? createLogger({ name: "gateway" });
  const metrics = deps.metrics ?? createMetricsRegistry("gateway");
  const codec = deps.codec ?? defaultJsonCodec();
  const owned = deps.clients === undefined ? grpcClientsFor(options, codec, logger) : undefined;
  const clients = deps.clients ?? owned!.clients;
  const app = createApp(options, { clients, bus: deps.bus, logger, metrics, codec, productionMode: deps.productionMode });
  const serve = () => Bun.serve({
    hostname: options.host,
    port: options.port,
    fetch: app.fetch,
    websocket,
    // The gateway enforces its own (smaller) limit with a JSON answer; Bun's limit only stops
    // absurd bodies, which it would refuse with a bare 413.
    maxRequestBodySize: Math.max(1024 * 1024 * 1024, options.jsonRpc.maxBodyBytes * 2),
  });
  let server: ReturnType<typeof serve>;
  try {
    server = serve();
  } catch (err) {
    await app.close();
    owned?.close();
    if (isAddressInUse(err)) throw portInUseError({ host: options.host, port: options.port, what: "JSON-RPC gateway", flag: "--port" }, err);
    throw err;
  }
  const port = server.port ?? options.port;
  logger.info({ host: options.host, port, services: Object.keys(clients), methods: app.table.reachable.length }, "gateway listening");

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info({}, "gateway stopping");
      const drained = server.stop(false);
      await app.close();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, options.shutdownGraceMs).unref());
      await Promise.race([drained, grace]);
      await server.stop(true);
      owned?.close();
      logger.info({}, "gateway stopped");
    })());
  return { port, url: `http://${options.host === "0.0.0.0" ? "127.0.0.1" : options.host}:${port}`, app, stop };
}

/**
 * What the `cairn-gateway` binary reads through `@cairn/config` (defaults → `--config` file's
 * `global` then `gateway` section → `CAIRN_GATEWAY_*` env → flags): the gateway's options plus
 * logging and the NATS server for /ws.
 */
export const gatewayCliSchema = gatewayOptionsSchema.extend({
  /** Minimum log level. Default `info`. */
  logLevel: logLevelSchema.default("info"),
  /** Log format: `json` (for collectors) or `pretty` (one readable line per event). Default pretty on a terminal, json otherwise. */
  logFormat: logFormatSchema.optional(),
  /** NATS server for WebSocket subscriptions (`NATS_URL` is honoured). Unset: /ws refuses subscriptions. */
  natsUrl: natsUrlSchema.optional(),
  /** JetStream copies of the event stream on a NATS cluster; as every service (unset: left as it is, 1 for a new stream). */
  natsStreamReplicas: natsStreamReplicasSchema.optional(),
  /** JetStream stream of the node's events. Default `KOINOS` (as every service). */
  natsStream: natsStreamSchema.default("KOINOS"),
  /** Subject prefix of the node's events. Default empty (as every service). */
  natsSubjectPrefix: natsSubjectPrefixSchema.default(""),
});

if (import.meta.main) {
  await runService({
    binary: "cairn-gateway",
    service: "gateway",
    schema: gatewayCliSchema,
    summary: "JSON-RPC, REST, WebSocket, /health and /metrics on one HTTP port.",
    docFiles: [fileURLToPath(new URL("./options.ts", import.meta.url)), fileURLToPath(import.meta.url)],
    ports: (options) => [{ host: options.host, port: options.port, what: "cairn-gateway HTTP (JSON-RPC, REST, WebSocket)", flag: "--port" }],
    // Without a NATS URL the gateway still serves JSON-RPC and REST; /ws refuses subscriptions.
    busOptional: true,
    build({ options, logger, metrics, bus }) {
      const { logLevel, logFormat, natsUrl, natsStreamReplicas, natsStream, natsSubjectPrefix, ...gatewayOptions } = options;
      let running: RunningGateway | undefined;
      return {
        async start() {
          running = await startGateway(gatewayOptions, { logger, bus, metrics });
          return { port: running.port };
        },
        stop: async () => running?.stop(),
      };
    },
  });
}
