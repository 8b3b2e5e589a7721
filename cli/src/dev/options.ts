/** Options of `cairn dev` (flags, `CAIRN_DEV_*` env, the `dev` section of a config file). */
import { z } from "zod";
import { logLevelSchema } from "@cairn/config";
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
  /** Data directory: one PGlite database per service under it. Default ./data. */
  data: z.string().default("./data"),
  /** Keep nothing on disk (PGlite in memory). */
  memory: z.boolean().default(false),
  /** Block production: instant (default), interval or manual. */
  mode: z.enum(["instant", "interval", "manual"]).default("instant"),
  /** Interval mode: ms between blocks. */
  intervalMs: z.number().int().min(10).default(3000),
  /** First gRPC port: chain, block store, mempool, account history, block producer follow (architecture §1). 0: ephemeral ports. */
  grpcPortBase: z.number().int().min(0).max(65_530).default(50051),
  /** Blocks between head and LIB. */
  irreversibleThreshold: z.number().int().min(1).default(IRREVERSIBLE_THRESHOLD),
  /** Postgres for every service instead of PGlite (each in its own schema). `DATABASE_URL` sets it. */
  databaseUrl: z.string().optional(),
  /** NATS instead of the in-process bus. `NATS_URL` sets it. */
  natsUrl: z.string().optional(),
  /** Minimum log level. Default warn: the banner is the dev node's output. */
  logLevel: logLevelSchema.default("warn"),
});

export type DevOptions = z.output<typeof devOptionsSchema>;
