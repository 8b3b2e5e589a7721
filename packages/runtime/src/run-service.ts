/**
 * The start-up and shutdown every standalone service binary shares: load and validate its
 * configuration (a bad value stops the process with a message naming the key), create the logger
 * and metrics (served on `metricsPort`), open its database with its migrations and the NATS bus
 * (each waiting with backoff, logging what it waits for; the bus may be optional, as for the
 * gateway), build and start the service, then on
 * SIGTERM/SIGINT stop accepting, drain and close everything in reverse order.
 */
import { type Logger, type MetricsRegistry, type PortUse, assertPortsFree, createLogger, createMetricsRegistry, defaultLogFormat, isCairnError, prom, serveMetrics } from "@cairn/core";
import { dirname, join } from "node:path";
import { type CommonOptions, ConfigError, ConfigErrorCode, formatHelp, loadConfig, wantsHelp } from "@cairn/config";
import { type DatabaseHandle, openDatabase } from "@cairn/db";
import { type EventBus, createNatsEventBus } from "@cairn/bus";
import { routeGrpcLogs } from "@cairn/rpc";
import type { z } from "zod";

/** The shape every service unit (`createXUnit`) has, and what runService starts and stops. */
export interface ServiceUnit {
  /** Starts the service; resolves with its bound gRPC (or HTTP) port, undefined when it serves none. */
  start(signal?: AbortSignal): Promise<{ port: number | undefined }>;
  stop(): Promise<void>;
  /** Health: called with false while a dependency (the database) is unreachable, true once back. */
  setServing?(serving: boolean): void;
}

/** `unit`, closing `clients` (the ones main.ts opened for it) once it has stopped. */
export function closingAfter(unit: ServiceUnit, ...clients: ({ close(): void } | undefined)[]): ServiceUnit {
  return {
    start: (signal) => unit.start(signal),
    setServing: (serving) => unit.setServing?.(serving),
    async stop() {
      await unit.stop();
      for (const c of clients) c?.close();
    },
  };
}

/** How often readiness (the database answering) is checked, ms. */
export const READINESS_INTERVAL_MS = 5_000;

export interface ServiceEnvironment<O, B extends EventBus | undefined = EventBus> {
  options: O;
  logger: Logger;
  metrics: MetricsRegistry;
  db: DatabaseHandle | undefined;
  /** The started NATS bus (with `busOptional`, undefined when no NATS URL is configured). */
  bus: B;
  signal: AbortSignal;
}

export interface RunServiceSpec<S extends z.ZodObject, Optional extends boolean = false> {
  /** Binary name for logs, e.g. `cairn-chain`. */
  binary: string;
  /** Service folder name: config section, env prefix, data directory. */
  service: string;
  schema: S;
  /** A line under `usage:` in `--help` saying what the binary is. */
  summary?: string;
  /** Files whose doc comments describe the flags. Default the options.ts next to the binary's main.ts. */
  docFiles?: string[];
  /** Ports the service listens on besides gRPC and metrics, checked free before anything starts. */
  ports?(options: z.output<S>): PortUse[];
  /** Drizzle migrations of the service (none: no database). */
  database?: { migrationsFolder: string; schemaName: string };
  /** Durable consumer / NATS connection name. */
  busName?: string;
  /** True: run without a bus when no NATS URL is configured (default: that is a configuration error). */
  busOptional?: Optional;
  build(env: ServiceEnvironment<z.output<S>, Optional extends true ? EventBus | undefined : EventBus>): Promise<ServiceUnit> | ServiceUnit;
}

/** Runs a service until SIGTERM/SIGINT; exits the process with 0 on a clean stop, 1 on failure, 2 on bad config. */
export async function runService<S extends z.ZodObject, Optional extends boolean = false>(spec: RunServiceSpec<S, Optional>): Promise<void> {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    // By default the binary's options.ts sits next to its main.ts: its doc comments describe the flags.
    const usage = `usage: ${spec.binary} [flags]${spec.summary === undefined ? "" : `\n${spec.summary}`}`;
    console.log(formatHelp({ usage, schema: spec.schema, service: spec.service, docFiles: spec.docFiles ?? [join(dirname(Bun.main), "options.ts")] }));
    process.exit(0);
  }
  let options: z.output<S> & Partial<CommonOptions> & { databaseReadUrl?: string };
  try {
    options = loadConfig({ service: spec.service, schema: spec.schema }) as typeof options;
  } catch (e) {
    if (e instanceof ConfigError || isCairnError(e)) {
      console.error(`${spec.binary}: ${(e as Error).message}`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger({ level: options.logLevel ?? "info", name: spec.service, format: options.logFormat ?? defaultLogFormat(process.stdout) });
  routeGrpcLogs(logger);
  const abort = new AbortController();
  const stops: (() => Promise<unknown> | unknown)[] = [];
  let stopping = false;
  const shutdown = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ why }, "shutting down");
    abort.abort(new Error(why));
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (e) {
        logger.error({ err: String(e) }, "error while stopping");
      }
    }
    logger.info({}, "stopped");
    process.exit(code);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM", 0));
  process.on("SIGINT", () => void shutdown("SIGINT", 0));

  try {
    // Ports first: a port another process holds fails now, naming the flag, not after the
    // database and NATS waits as the listener's own error.
    const grpcHost = options.grpcHost ?? "0.0.0.0";
    assertPortsFree([
      ...(options.grpcPort === undefined ? [] : [{ host: grpcHost, port: options.grpcPort, what: `${spec.binary} gRPC`, flag: "--grpc-port" }]),
      ...(options.metricsPort === undefined ? [] : [{ host: "0.0.0.0", port: options.metricsPort, what: `${spec.binary} metrics`, flag: "--metrics-port" }]),
      ...(spec.ports?.(options) ?? []),
    ]);
    const metrics = createMetricsRegistry(spec.service);
    if (options.metricsPort !== undefined) {
      const m = serveMetrics(metrics, options.metricsPort, options.grpcHost);
      stops.push(() => m.stop());
      logger.info({ port: m.port }, "metrics listening");
    }
    let db: DatabaseHandle | undefined;
    if (spec.database) {
      db = await openDatabase(options.databaseUrl ?? `pglite://./data/${spec.service}`, { logger, schemaName: spec.database.schemaName, migrationsFolder: spec.database.migrationsFolder, readUrl: options.databaseReadUrl, signal: abort.signal });
      stops.push(() => db!.close());
    }
    let bus: EventBus | undefined;
    if (options.natsUrl) {
      const started = createNatsEventBus({ url: options.natsUrl, name: spec.busName ?? spec.service, streamReplicas: options.natsStreamReplicas, stream: options.natsStream, subjectPrefix: options.natsSubjectPrefix }, { logger, metrics });
      bus = started;
      await started.start(abort.signal);
      stops.push(() => started.close());
    } else if (!spec.busOptional) {
      throw new ConfigError(ConfigErrorCode.Missing, `${spec.service}.natsUrl is required when the service runs alone (set NATS_URL or --nats-url)`);
    }
    const unit = await spec.build({ options, logger, metrics, db, bus: bus as Optional extends true ? EventBus | undefined : EventBus, signal: abort.signal });
    stops.push(() => unit.stop());
    const { port } = await unit.start(abort.signal);
    logger.info({ binary: spec.binary, port }, "service ready");
    if (db) {
      const timer = watchReadiness(db, (serving) => unit.setServing?.(serving), logger, READINESS_INTERVAL_MS, databaseMetrics(metrics));
      stops.push(() => clearInterval(timer));
    }
  } catch (e) {
    logger.fatal({ err: e instanceof Error ? e.message : String(e), code: isCairnError(e) ? e.code : undefined }, "start-up failed");
    // The reason on its own line too, for a person at a terminal reading past the log format.
    if (process.stderr.isTTY) console.error(`${spec.binary}: could not start: ${e instanceof Error ? e.message : String(e)}`);
    await shutdown("start-up failed", 1);
  }
}

/** Database metrics every service exposes: reachability and round-trip time. */
export interface DatabaseMetrics {
  up: prom.Gauge;
  ping: prom.Histogram;
}

export function databaseMetrics(registry: MetricsRegistry): DatabaseMetrics {
  return {
    up: new prom.Gauge({ name: "cairn_database_up", help: "1 while the service's database answers, else 0", registers: [registry] }),
    ping: new prom.Histogram({ name: "cairn_database_ping_duration_seconds", help: "Round trip of the readiness query", buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [registry] }),
  };
}

/** Pings the database every `intervalMs`; NOT_SERVING while it does not answer (within the interval). */
export function watchReadiness(
  db: Pick<DatabaseHandle, "ping">,
  setServing: (serving: boolean) => void,
  logger: Logger,
  intervalMs = READINESS_INTERVAL_MS,
  metrics?: DatabaseMetrics,
): ReturnType<typeof setInterval> {
  let serving = true;
  let checking = false;
  metrics?.up.set(1);
  const timer = setInterval(async () => {
    if (checking) return;
    checking = true;
    const started = performance.now();
    const ok = await Promise.race([db.ping().then(() => true), Bun.sleep(intervalMs).then(() => false)]).catch(() => false);
    checking = false;
    metrics?.up.set(ok ? 1 : 0);
    if (ok) metrics?.ping.observe((performance.now() - started) / 1000);
    if (ok === serving) return;
    serving = ok;
    setServing(ok);
    if (ok) logger.info({}, "database reachable again: SERVING");
    else logger.warn({}, "database unreachable: NOT_SERVING");
  }, intervalMs);
  timer.unref();
  return timer;
}
