#!/usr/bin/env bun
/** cairn-block-producer: builds and signs blocks from the mempool and submits them to the chain. */
import { chain, mempool } from "@cairn/proto";
import { createGrpcClient } from "@cairn/rpc";
import { closingAfter, runService } from "@cairn/runtime";
import { createBlockProducerUnit } from "./unit.ts";
import { blockProducerOptionsSchema } from "./options.ts";

await runService({
  binary: "cairn-block-producer",
  service: "block-producer",
  schema: blockProducerOptionsSchema,
  async build({ options, logger, metrics, bus, signal }) {
    const chainClient = createGrpcClient(chain.ChainServiceDefinition, options.chainAddress, { deadlineMs: 30_000 }, { logger });
    const mempoolClient = createGrpcClient(mempool.MempoolServiceDefinition, options.mempoolAddress, { deadlineMs: 10_000 }, { logger });
    logger.info({ chain: options.chainAddress, mempool: options.mempoolAddress }, "waiting for chain and mempool");
    await chainClient.waitForReady(Number.POSITIVE_INFINITY, signal);
    await mempoolClient.waitForReady(Number.POSITIVE_INFINITY, signal);
    const unit = createBlockProducerUnit(options, { logger, metrics, bus, chain: chainClient, mempool: mempoolClient });
    return closingAfter(unit, chainClient, mempoolClient);
  },
});
