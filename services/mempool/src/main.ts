#!/usr/bin/env bun
/**
 * cairn-mempool: the mempool service alone. Configuration through `@cairn/config` (section
 * `mempool`, env `CAIRN_MEMPOOL_*`, flags), NATS bus (durable consumer `mempool`), gRPC clients
 * to the chain and the block store; SIGTERM/SIGINT stop it cleanly (`@cairn/runtime`).
 */
import { block_store, chain } from "@cairn/proto";
import { createGrpcClient } from "@cairn/rpc";
import { closingAfter, runService } from "@cairn/runtime";
import { blockStoreFromClient } from "@cairn/block-store/client";
import { chainReadsFromClient } from "@cairn/chain/client";
import { createMempoolUnit } from "./unit.ts";
import { mempoolOptionsSchema } from "./options.ts";
import { MIGRATIONS_FOLDER, SCHEMA_NAME } from "./store/migrations.ts";

await runService({
  binary: "cairn-mempool",
  service: "mempool",
  schema: mempoolOptionsSchema,
  database: { migrationsFolder: MIGRATIONS_FOLDER, schemaName: SCHEMA_NAME },
  build({ options, logger, metrics, db, bus }) {
    const chainClient = createGrpcClient(chain.ChainServiceDefinition, options.chainAddress, { deadlineMs: 10_000 }, { logger });
    const blockClient = createGrpcClient(block_store.BlockStoreServiceDefinition, options.blockStoreAddress, { deadlineMs: 30_000 }, { logger });
    const unit = createMempoolUnit(options, {
      logger,
      metrics,
      bus,
      db: db!,
      chain: chainReadsFromClient(chainClient),
      blocks: blockStoreFromClient(blockClient),
    });
    return closingAfter(unit, chainClient, blockClient);
  },
});
