/** The admin gRPC service `cairn.block_producer.v1.BlockProducerService` (never public). */
import { CairnError, ErrorStatus } from "@cairn/core";
import { block_producer } from "@cairn/proto";
import type { ServiceImplementation } from "@cairn/rpc";
import type { BlockProducer, ProductionMode } from "./producer.ts";

export type BlockProducerServiceImpl = ServiceImplementation<typeof block_producer.BlockProducerServiceDefinition>;

const M = block_producer.ProductionMode;
const toProto: Record<ProductionMode, block_producer.ProductionMode> = { instant: M.PRODUCTION_MODE_INSTANT, interval: M.PRODUCTION_MODE_INTERVAL, manual: M.PRODUCTION_MODE_MANUAL };

function fromProto(m: block_producer.ProductionMode): ProductionMode {
  if (m === M.PRODUCTION_MODE_INSTANT) return "instant";
  if (m === M.PRODUCTION_MODE_INTERVAL) return "interval";
  if (m === M.PRODUCTION_MODE_MANUAL) return "manual";
  throw new CairnError("block_producer.invalid_mode", "mode must be PRODUCTION_MODE_INSTANT, PRODUCTION_MODE_INTERVAL or PRODUCTION_MODE_MANUAL", { status: ErrorStatus.InvalidArgument });
}

/** Longest interval a timer can hold (2^31 − 1 ms, ~24.8 days); longer ones would fire at once. */
const MAX_INTERVAL_MS = 2 ** 31 - 1;

/** `interval_ms` of a request: 0 keeps the current interval; else 10 ms to `MAX_INTERVAL_MS`. */
function checkInterval(ms: number): void {
  if (ms !== 0 && (ms < 10 || ms > MAX_INTERVAL_MS)) {
    throw new CairnError("block_producer.invalid_interval", `interval_ms must be 0 (unchanged) or between 10 and ${MAX_INTERVAL_MS}`, { status: ErrorStatus.InvalidArgument });
  }
}

export function createBlockProducerService(producer: BlockProducer): BlockProducerServiceImpl {
  return {
    async produceBlock() {
      const p = await producer.produce();
      if (!p) throw new CairnError("block_producer.not_produced", "no block was produced", { status: ErrorStatus.Unavailable });
      return {
        block_id: p.block.id,
        height: p.block.header?.height ?? 0n,
        transaction_count: p.block.transactions.length,
        failed_transaction_ids: p.failed,
        receipt: p.receipt,
      };
    },
    getProductionMode() {
      return { mode: toProto[producer.mode], interval_ms: producer.intervalMs };
    },
    setProductionMode(req) {
      checkInterval(req.interval_ms);
      producer.setMode(fromProto(req.mode), req.interval_ms);
      return { mode: toProto[producer.mode], interval_ms: producer.intervalMs };
    },
  };
}
