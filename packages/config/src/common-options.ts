/**
 * Options every Cairn service has. A service extends the fragment with its own:
 *
 * ```ts
 * const chainOptions = commonOptions({ service: "chain", grpcPort: 50051, metricsPort: 9451 })
 *   .extend({ irreversibleThreshold: z.number().int().positive().default(60) });
 * const config = loadConfig({ service: "chain", schema: chainOptions });
 * ```
 */
import { z } from "zod";

/** Log levels, as `@cairn/core`'s `LogLevel`. */
export const logLevelSchema = z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]);

/** Log output: JSON lines (collectors) or one human-readable line per event (terminals). */
export const logFormatSchema = z.enum(["json", "pretty"]);

/** A TCP port; 0 lets the OS pick (tests). */
export const portSchema = z.number().int().min(0).max(65_535);

/** A database URL `@cairn/db` understands. */
export const databaseUrlSchema = z
  .string()
  .regex(/^(postgres|postgresql):\/\/.+|^pglite:\/\/.+/, "expected postgres://…, postgresql://…, pglite://memory or pglite://<dir>");

/** A NATS server URL (`nats://host:port`, several separated by commas). */
export const natsUrlSchema = z.string().regex(/^(nats|tls|ws|wss):\/\//, "expected nats://host:port");

/** A JetStream stream name (letters, digits, `-`, `_`). */
export const natsStreamSchema = z.string().regex(/^[A-Za-z0-9_-]+$/, "expected a stream name: letters, digits, - and _");

/** A subject prefix: dot-separated tokens without wildcards, or empty for none. */
export const natsSubjectPrefixSchema = z.string().regex(/^([A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*)?$/, "expected dot-separated tokens (letters, digits, - and _)");

/** JetStream `num_replicas` of the event stream. */
export const natsStreamReplicasSchema = z.number().int().min(1).max(5);

/** Per-service defaults of the common options. */
export interface CommonOptionDefaults {
  /** Service folder name; the default database is `pglite://./data/<service>`. */
  service: string;
  /** Default gRPC port (architecture §1: chain 50051, block-store 50052, …). */
  grpcPort: number;
  /** Default Prometheus port; distinct per service so they can share one host. */
  metricsPort: number;
}

/** The common options fragment with `defaults` filled in. */
export function commonOptions(defaults: CommonOptionDefaults) {
  return z.object({
    /** Minimum log level. Default `info`; `LOG_LEVEL` is honoured. */
    logLevel: logLevelSchema.default("info"),
    /**
     * Log format: `json` (for collectors) or `pretty` (one readable line per event). Default
     * pretty when stdout is a terminal, json otherwise (containers, files, pipes).
     */
    logFormat: logFormatSchema.optional(),
    /**
     * The service's database. Default `pglite://./data/<service>`: embedded and persistent, so a
     * service runs with no server; `DATABASE_URL` points it at Postgres.
     */
    databaseUrl: databaseUrlSchema.default(`pglite://./data/${defaults.service}`),
    /**
     * A Postgres streaming replica of `databaseUrl` for read queries (block and transaction
     * lookups in the block store, history in account history). Unset: the primary serves them.
     * `DATABASE_READ_URL` is honoured. Writes, migrations and reads a write depends on stay on
     * `databaseUrl`.
     */
    databaseReadUrl: databaseUrlSchema.optional(),
    /** NATS server. Unset: the in-process bus (one-process mode only). `NATS_URL` is honoured. */
    natsUrl: natsUrlSchema.optional(),
    /**
     * Copies of the event stream a JetStream cluster keeps (1–5). Unset: a new stream gets 1 and an
     * existing one keeps its count. On a 3-node NATS cluster set 3 (every service the same), so
     * events survive the loss of a node.
     */
    natsStreamReplicas: natsStreamReplicasSchema.optional(),
    /**
     * JetStream stream holding the events. Default `KOINOS`. Every service of one node must use
     * the same stream and prefix; a different pair lets several nodes (or test runs) share a server.
     */
    natsStream: natsStreamSchema.default("KOINOS"),
    /** Prepended (with a dot) to every subject on the wire. Default empty (Koinos subjects as they are). */
    natsSubjectPrefix: natsSubjectPrefixSchema.default(""),
    /**
     * Address the gRPC server and the `/metrics` endpoint bind. Default `127.0.0.1`: nothing is
     * reachable from another host unless configured (containers set `0.0.0.0`).
     */
    grpcHost: z.string().min(1).default("127.0.0.1"),
    /** Port the gRPC server binds. */
    grpcPort: portSchema.default(defaults.grpcPort),
    /** Port of the Prometheus `/metrics` endpoint; 0 picks a free port. */
    metricsPort: portSchema.default(defaults.metricsPort),
  });
}

/** The type of the common options once loaded. */
export type CommonOptions = z.output<ReturnType<typeof commonOptions>>;
