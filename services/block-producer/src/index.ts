/**
 * @cairn/block-producer — builds blocks from pending transactions, signs them with the producer
 * (genesis) key and submits them to the chain; instant, interval or manual, switchable through
 * its admin RPC (never exposed publicly).
 */
export { BlockProducer, type ProductionMode, type ProducerChain, type ProducerMempool } from "./producer.ts";
export { createBlockProducerUnit, isStalled, producerKeyOf, type BlockProducerUnit } from "./unit.ts";
export { blockProducerOptionsSchema, type BlockProducerServiceOptions } from "./options.ts";
export { createBlockProducerService } from "./service.ts";
