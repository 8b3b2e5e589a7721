#!/usr/bin/env bun
/** cairn-chain: the chain service alone (ChainService + ContractMetaStoreService). */
import { block_store, mempool } from "@cairn/proto";
import { createGrpcClient } from "@cairn/rpc";
import { closingAfter, runService } from "@cairn/runtime";
import { blockStoreFromClient } from "@cairn/block-store/client";
import { mempoolChecksFromClient } from "@cairn/mempool/client";
import { createChainUnit } from "./unit.ts";
import { chainOptionsSchema } from "./options.ts";
import { MIGRATIONS_FOLDER, SCHEMA_NAME } from "./store/migrations.ts";

await runService({
  binary: "cairn-chain",
  service: "chain",
  schema: chainOptionsSchema,
  database: { migrationsFolder: MIGRATIONS_FOLDER, schemaName: SCHEMA_NAME },
  build({ options, logger, metrics, db, bus }) {
    const mempoolClient = options.mempoolAddress ? createGrpcClient(mempool.MempoolServiceDefinition, options.mempoolAddress, { deadlineMs: 2000 }) : undefined;
    const blockStoreClient = options.blockStoreAddress ? createGrpcClient(block_store.BlockStoreServiceDefinition, options.blockStoreAddress, { deadlineMs: 10_000 }) : undefined;
    const unit = createChainUnit(options, {
      logger,
      metrics,
      bus,
      db: db!,
      mempool: mempoolClient && mempoolChecksFromClient(mempoolClient),
      blockStore: blockStoreClient && blockStoreFromClient(blockStoreClient),
    });
    return closingAfter(unit, mempoolClient, blockStoreClient);
  },
});
