/**
 * The block store's options: the common fragment every Cairn service shares (`@cairn/config`:
 * logLevel, logFormat, databaseUrl, natsUrl, grpcHost, grpcPort, metricsPort) extended with the
 * block store's own. Validated once at start; each field documents its default and why.
 * Environment: `CAIRN_BLOCK_STORE_<KEY>` (and `DATABASE_URL`, `DATABASE_READ_URL`, `NATS_URL`, `LOG_LEVEL`); flags:
 * `--grpc-port`, `--database-url`, …
 */
import { commonOptions, databaseUrlSchema, portSchema } from "@cairn/config";
import { z } from "zod";
import { DEFAULT_TOPOLOGY_CACHE_SIZE } from "./store/topology-cache.ts";

/**
 * Every option of the block store. From the common fragment: `grpcHost` (default `127.0.0.1`),
 * `databaseUrl` (default `pglite://./data/block-store`), `natsUrl` (unset: in-process bus, one
 * process only), `logLevel` (default `info`), `logFormat`, `metricsPort` (default 9452).
 */
export const blockStoreOptionsSchema = commonOptions({ service: "block-store", grpcPort: 50052, metricsPort: 9452 }).extend({
  /** gRPC port. Default 50052 (architecture §1); 0 = ephemeral (tests); null = no server (in-process use only). */
  grpcPort: portSchema.nullable().default(50052),
  /**
   * A Postgres streaming replica of `databaseUrl` that answers lookups (blocks by id and height,
   * transactions). Unset: the primary answers them. `DATABASE_READ_URL` is honoured. Blocks the
   * replica has not replayed yet are read from the primary, so a block is readable as soon as it is
   * stored; writes, migrations and the writer's own reads stay on `databaseUrl`.
   */
  databaseReadUrl: databaseUrlSchema.optional(),
  /**
   * Block topologies kept in memory for `get_blocks_by_height` walks. Default 20,000 (hours of
   * blocks, a few MB): requests near the head never reach the database. 0 disables the cache.
   */
  topologyCacheSize: z.number().int().min(0).default(DEFAULT_TOPOLOGY_CACHE_SIZE),
});

/** Options of the block store (see {@link blockStoreOptionsSchema} for each field). */
export type BlockStoreOptions = z.output<typeof blockStoreOptionsSchema>;

/** Every option at its default. */
export const defaultBlockStoreOptions: BlockStoreOptions = blockStoreOptionsSchema.parse({});
