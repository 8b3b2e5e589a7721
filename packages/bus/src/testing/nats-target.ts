/**
 * Which NATS server tests use, and whether they run (architecture §8): the URL comes from `NATS_URL`
 * (default `nats://127.0.0.1:4222`). Under `CI=true` a missing server is an error — the test file
 * fails at once instead of timing out test by test; elsewhere the tests are skipped with a
 * printed notice.
 */
import { connect } from "@nats-io/transport-node";

export interface NatsTestTarget {
  url: string;
  /** False when the tests should be skipped (never under CI). */
  available: boolean;
}

/** Probes the server once (≤ `timeoutMs`) and decides; throws under `CI=true` when it is unusable. */
export async function natsTestTarget(timeoutMs = 1_000): Promise<NatsTestTarget> {
  const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
  const problem = await probe(url, timeoutMs);
  if (problem === undefined) return { url, available: true };
  if (process.env.CI === "true") throw new Error(`CI=true but ${problem} (NATS_URL=${url})`);
  console.warn(`${problem}: skipping NATS tests (set NATS_URL; under CI=true this fails)`);
  return { url, available: false };
}

/** Undefined when `url` is a NATS server with JetStream, else what is wrong. */
async function probe(url: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const nc = await connect({ servers: url, timeout: timeoutMs, reconnect: false });
    const jetstream = nc.info?.jetstream === true;
    await nc.close();
    return jetstream ? undefined : `NATS at ${url} has no JetStream`;
  } catch {
    return `NATS not reachable at ${url}`;
  }
}
