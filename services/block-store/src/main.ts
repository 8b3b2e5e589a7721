#!/usr/bin/env bun
/**
 * cairn-block-store: the block store alone (BlockStoreService + TransactionStoreService).
 * Configuration through `@cairn/config` (section `block-store`, env `CAIRN_BLOCK_STORE_*`,
 * `DATABASE_URL`, `NATS_URL`, flags), its database with migrations, the NATS bus (durable consumer
 * `block_store`); SIGTERM/SIGINT stop it in reverse order (`@cairn/runtime`).
 */
import { runService } from "@cairn/runtime";
import { createBlockStoreUnit } from "./unit.ts";
import { blockStoreOptionsSchema } from "./options.ts";
import { MIGRATIONS_FOLDER, SCHEMA_NAME } from "./store/migrations.ts";

await runService({
  binary: "cairn-block-store",
  service: "block-store",
  schema: blockStoreOptionsSchema,
  database: { migrationsFolder: MIGRATIONS_FOLDER, schemaName: SCHEMA_NAME },
  build({ options, logger, metrics, db, bus }) {
    if (db === undefined) throw new Error("the block store needs its database");
    return createBlockStoreUnit(options, { logger, metrics, bus, db });
  },
});
