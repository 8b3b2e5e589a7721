/**
 * A contract-suite fixture on a real NATS server: a fresh stream and subject prefix per fixture
 * (so concurrent runs never collide), deleted again by `cleanup()`.
 */
import { silentLogger, type Logger } from "@cairn/core";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { createNatsEventBus } from "../nats/bus.ts";
import type { NatsEventBusOptions } from "../nats/options.ts";
import type { EventBusFixture } from "./event-bus-contract.ts";

/** Options for a throwaway bus on `url`: random stream name and subject prefix. */
export function throwawayNatsOptions(url: string): NatsEventBusOptions {
  const id = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  return { url, stream: `TEST_${id}`, subjectPrefix: `t${id}`, name: `cairn-test-${id}`, startupTimeoutMs: 5_000 };
}

/** Deletes a stream if it exists. */
export async function deleteNatsStream(url: string, stream: string): Promise<void> {
  const nc = await connect({ servers: url, reconnect: false });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** Deletes a consumer on the server (a durable consumer vanishing under its subscriber); true when it existed. */
export async function deleteNatsConsumer(url: string, stream: string, consumer: string): Promise<boolean> {
  const nc = await connect({ servers: url, reconnect: false });
  try {
    const jsm = await jetstreamManager(nc);
    return await jsm.consumers.delete(stream, consumer).catch(() => false);
  } finally {
    await nc.close();
  }
}

export function natsFixture(url: string, logger: Logger = silentLogger()): EventBusFixture {
  const options = throwawayNatsOptions(url);
  return {
    connect: (delivery) => createNatsEventBus({ ...options, ...delivery }, { logger }),
    cleanup: () => deleteNatsStream(url, options.stream!),
  };
}
