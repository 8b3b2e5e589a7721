#!/usr/bin/env bun
/** cairn-account-history: per-address history (AccountHistoryService), fed by the block events. */
import { block_store, chain } from "@cairn/proto";
import { createGrpcClient } from "@cairn/rpc";
import { closingAfter, runService } from "@cairn/runtime";
import { blockStoreFromClient } from "@cairn/block-store/client";
import { chainReadsFromClient } from "@cairn/chain/client";
import { ACCOUNT_HISTORY_DURABLE } from "./events.ts";
import { createAccountHistoryUnit } from "./unit.ts";
import { accountHistoryOptionsSchema } from "./options.ts";
import { MIGRATIONS_FOLDER, SCHEMA_NAME } from "./store/migrations.ts";

await runService({
  binary: "cairn-account-history",
  service: "account-history",
  schema: accountHistoryOptionsSchema,
  database: { migrationsFolder: MIGRATIONS_FOLDER, schemaName: SCHEMA_NAME },
  busName: ACCOUNT_HISTORY_DURABLE,
  build({ options, logger, metrics, db, bus }) {
    const blockStoreClient = createGrpcClient(block_store.BlockStoreServiceDefinition, options.blockStoreAddress, { deadlineMs: 30_000 }, { logger });
    const chainClient = createGrpcClient(chain.ChainServiceDefinition, options.chainAddress, { deadlineMs: 5_000 }, { logger });
    const unit = createAccountHistoryUnit(options, {
      logger,
      metrics,
      bus,
      // History queries on the read replica when DATABASE_READ_URL is set; indexing on the primary.
      db: db!,
      blocks: blockStoreFromClient(blockStoreClient),
      chain: chainReadsFromClient(chainClient),
    });
    return closingAfter(unit, blockStoreClient, chainClient);
  },
});
