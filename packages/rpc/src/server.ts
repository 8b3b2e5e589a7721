/**
 * The gRPC server bootstrap every service uses: its own services (plain async implementations,
 * see server-handlers.ts), `grpc.health.v1.Health`, server reflection, per-method metrics, and a
 * graceful stop (stop accepting, let in-flight calls finish, then cut what is left).
 */
import type { Logger } from "@cairn/core";
import { isAddressInUse, portInUseError, prom } from "@cairn/core";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { DEFAULT_GRACE_MS, DEFAULT_MAX_MESSAGE_BYTES } from "./defaults.ts";
import { prepareService, rawGrpcDefinition, type AnyServiceDefinition, type PreparedService } from "./definition.ts";
import { createHealthState, HEALTH_SERVICE_NAME } from "./health.ts";
import { addReflection, type DescriptorSetSource } from "./reflection.ts";
import { grpcImplementation } from "./server-handlers.ts";
import { createGrpcServerMetrics } from "./server-metrics.ts";
import type { ServiceImplementation } from "./types.ts";

/** Options of `createGrpcServer`. */
export interface GrpcServerOptions {
  /** Interface to listen on. Default `127.0.0.1`: binding wider is the caller's explicit choice. */
  host?: string;
  /** Port; `0` picks a free one (tests). Default 0 — each service passes its own (architecture §1). */
  port?: number;
  /**
   * FileDescriptorSet for server reflection (path or bytes). Default unset: no reflection. Every
   * service should pass the generated set so grpcurl works against it.
   */
  descriptorSet?: DescriptorSetSource;
  /** Largest message received or sent, in bytes. Default `DEFAULT_MAX_MESSAGE_BYTES` (64 MiB). */
  maxMessageBytes?: number;
}

/** Options of `stop`. */
export interface StopOptions {
  /** How long in-flight calls may take to finish before they are cancelled, in ms. Default `DEFAULT_GRACE_MS` (5000). */
  graceMs?: number;
}

/** What the server uses. */
export interface GrpcServerDeps {
  logger: Logger;
  /** Registry for the per-method metrics; default none (no metrics). */
  metrics?: prom.Registry;
}

/** A gRPC server under construction, then running. */
export interface GrpcServer {
  /** Serves `implementation` for `definition` (either ts-proto shape). Only before `start`. */
  addService<TDef extends AnyServiceDefinition>(definition: TDef, implementation: ServiceImplementation<TDef>): void;
  /**
   * Reports `service` (fully qualified, or `""` for the whole server) as SERVING or NOT_SERVING
   * on the health service. Every added service and `""` start SERVING; a service that is not
   * ready yet (syncing, migrating) sets `false` until it is.
   */
  setServing(service: string, serving: boolean): void;
  /** Binds and starts serving; resolves with the bound port. */
  start(): Promise<number>;
  /** Graceful stop: health NOT_SERVING, refuse new calls, wait up to `graceMs` for in-flight ones, then cancel them. */
  stop(options?: StopOptions): Promise<void>;
  /** The bound port once started. */
  readonly port: number | undefined;
}

function hostPort(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Builds a server; nothing listens until `start`. */
export function createGrpcServer(options: GrpcServerOptions, deps: GrpcServerDeps): GrpcServer {
  const logger = deps.logger.child({ module: "grpc-server" });
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const metrics = createGrpcServerMetrics(deps.metrics);
  const health = createHealthState();
  const services: { service: PreparedService; implementation: Record<string, unknown> }[] = [];
  let server: Server | undefined;
  let boundPort: number | undefined;
  let state: "new" | "starting" | "running" | "stopped" = "new";

  async function build(): Promise<Server> {
    const s = new Server({ "grpc.max_receive_message_length": maxBytes, "grpc.max_send_message_length": maxBytes });
    for (const { service, implementation } of services) {
      const { handlers, missing } = grpcImplementation(service.methods, implementation, { logger, metrics });
      if (missing.length > 0) logger.warn({ service: service.serviceName, methods: missing }, "grpc methods not served");
      s.addService(rawGrpcDefinition(service), handlers);
    }
    health.addToServer(s);
    if (options.descriptorSet !== undefined) {
      await addReflection(s, options.descriptorSet, [...services.map((x) => x.service.serviceName), HEALTH_SERVICE_NAME]);
    }
    return s;
  }

  return {
    addService(definition, implementation) {
      if (state !== "new") throw new Error("addService after start");
      const service = prepareService(definition);
      if (services.some((x) => x.service.serviceName === service.serviceName)) throw new Error(`service ${service.serviceName} added twice`);
      services.push({ service, implementation: implementation as Record<string, unknown> });
      health.register(service.serviceName);
    },

    setServing(service, serving) {
      health.setServing(service, serving);
      logger.info({ service, serving }, "grpc health status set");
    },

    async start() {
      if (state !== "new") throw new Error(`grpc server cannot start: ${state}`);
      state = "starting";
      const address = hostPort(options.host ?? "127.0.0.1", options.port ?? 0);
      let s: Server | undefined;
      try {
        s = await build();
        const built = s;
        boundPort = await new Promise<number>((resolve, reject) =>
          built.bindAsync(address, ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
        );
      } catch (err) {
        state = "stopped";
        s?.forceShutdown();
        if (isAddressInUse(err)) throw portInUseError({ host: options.host ?? "0.0.0.0", port: options.port ?? 0, what: "gRPC server", flag: "--grpc-port" }, err);
        throw err;
      }
      if (state !== "starting") {
        s.forceShutdown();
        throw new Error("grpc server stopped while starting");
      }
      server = s;
      state = "running";
      logger.info({ address, port: boundPort, services: services.map((x) => x.service.serviceName) }, "grpc server listening");
      return boundPort;
    },

    async stop(stopOptions = {}) {
      if (state !== "running" || !server) {
        state = "stopped";
        return;
      }
      state = "stopped";
      const s = server;
      const graceMs = stopOptions.graceMs ?? DEFAULT_GRACE_MS;
      health.setAllNotServing();
      logger.info({ graceMs }, "grpc server stopping");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          logger.warn({ graceMs }, "grpc server grace period over, cancelling in-flight calls");
          s.forceShutdown();
          resolve();
        }, graceMs);
        s.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      logger.info({}, "grpc server stopped");
    },

    get port() {
      return boundPort;
    },
  };
}
