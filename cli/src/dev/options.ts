/** Options of `cairn dev` (flags, `CAIRN_DEV_*` env, the `dev` section of a config file). */
import { z } from "zod";
import { logFormatSchema, logLevelSchema } from "@cairn/config";
import { IRREVERSIBLE_THRESHOLD } from "@cairn/protocol";

export const devOptionsSchema = z.object({
  /** Seed of the dev genesis: producer key sha256("<seed> producer"), accounts sha256("<seed> <i>"). */
  seed: z.string().min(1).default("cairn dev"),
  /** Funded dev accounts printed at start. Default 10. */
  accounts: z.number().int().min(1).max(1000).default(10),
  /** KOIN each dev account holds. Default 1,000,000. */
  balance: z.number().int().positive().default(1_000_000),
  /** JSON-RPC / REST / WebSocket port. Default 8080. */
  port: z.number().int().min(0).max(65_535).default(8080),
  /** Host the gateway and gRPC servers bind. Default 127.0.0.1 (a dev node is not for the network). */
  host: z.string().default("127.0.0.1"),
  /**
   * Data directory that keeps the chain across restarts; default none, the chain lives in memory
   * (as anvil's and hardhat node's). Locked while a node runs. The services run on memory stores;
   * `<data>/journal` records every accepted transaction and block before it is acknowledged, and
   * `<data>/snapshots` holds checkpoints of the stores, from which (plus the journal after them) a
   * restart rebuilds everything — nothing acknowledged is lost, even to `kill -9`.
   */
  data: z.string().min(1).optional(),
  /** With --data: blocks between checkpoints (each block after the last one is re-applied at start). Default 500. */
  checkpointBlocks: z.number().int().min(1).default(500),
  /** Keep nothing on disk (the in-memory stores only); the default unless --data is given. */
  memory: z.boolean().default(false),
  /** Block production: instant (default), interval or manual. */
  mode: z.enum(["instant", "interval", "manual"]).default("instant"),
  /** Interval mode: ms between blocks. */
  intervalMs: z.number().int().min(10).default(3000),
  /**
   * `/health` fails when production stalls for this long, ms: in interval mode the head must be
   * younger (and at least three intervals), in instant mode transactions must not wait longer
   * with no new block; manual mode has no head check. Follows `dev.set_production_mode`.
   * Default 60000.
   */
  healthMaxHeadAgeMs: z.number().int().min(1000).default(60_000),
  /** First gRPC port: chain, block store, mempool, account history, block producer follow (architecture §1). 0: ephemeral ports. */
  grpcPortBase: z.number().int().min(0).max(65_530).default(50051),
  /** Blocks between head and LIB. */
  irreversibleThreshold: z.number().int().min(1).default(IRREVERSIBLE_THRESHOLD),
  /** Postgres for every service instead of PGlite (each in its own schema). `DATABASE_URL` sets it. */
  databaseUrl: z.string().optional(),
  /** NATS instead of the in-process bus. `NATS_URL` sets it. */
  natsUrl: z.string().optional(),
  /** Minimum log level. Default warn: the banner and the block lines are the dev node's output. */
  logLevel: logLevelSchema.default("warn"),
  /** Log format, `pretty` (one readable line per event) or `json`; default pretty on a terminal, json otherwise. */
  logFormat: logFormatSchema.optional(),
  /** One line per block and per transaction on stdout: `on`, `off`, or `auto` (when stdout is a terminal). */
  console: z.enum(["auto", "on", "off"]).default("auto"),
});

export type DevOptions = z.output<typeof devOptionsSchema>;

/** Where the dev node keeps its chain: a directory, or undefined for memory. */
export function dataDirOf(opts: Pick<DevOptions, "data" | "memory" | "databaseUrl">): string | undefined {
  return opts.databaseUrl || opts.memory || opts.data === undefined ? undefined : opts.data;
}
