/**
 * The guard every rebuild runs first: is the service being rebuilt still running? A rebuild
 * empties the tables the service reads and writes, so against a live service its reads return
 * "not found" for the whole rebuild and its writes race the replay. Two signs are checked:
 *
 * - its gRPC health (`grpc.health.v1`) answers at its address — anything that answers is running;
 * - its durable JetStream consumer is active: a pull request waiting (someone is pulling) or a
 *   message delivered and not yet acknowledged. JetStream forgets a stopped puller's requests
 *   when they expire (about 30 s), so just after a stop the consumer may still look active.
 *
 * The rebuild commands (`cairn rebuild …`, `cairn-account-history-rebuild`) refuse with what they
 * saw and what to do, unless `--force`.
 */
import { checkHealth } from "@cairn/rpc";
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";

/** How long each probe may take. */
const PROBE_TIMEOUT_MS = 2_000;

/** A sign that the service is live, as a sentence for the refusal message; undefined when there is none. */
export type LiveSign = string | undefined;

/** `grpcHost:grpcPort` as a client reaches it (a wildcard bind is asked on loopback); undefined when the service has no gRPC port. */
export function serviceAddress(grpcHost: string, grpcPort: number | null | undefined): string | undefined {
  if (grpcPort === null || grpcPort === undefined || grpcPort === 0) return undefined;
  const host = grpcHost === "0.0.0.0" || grpcHost === "::" || grpcHost === "" ? "127.0.0.1" : grpcHost;
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${grpcPort}` : `${host}:${grpcPort}`;
}

/** The service answers gRPC health at `address` (any status: it is running). */
export async function healthSign(what: string, address: string | undefined): Promise<LiveSign> {
  if (address === undefined) return undefined;
  try {
    const status = await checkHealth(address, "", { timeoutMs: PROBE_TIMEOUT_MS });
    return `the ${what} service answers gRPC health at ${address} (${status})`;
  } catch {
    return undefined; // nothing answers there
  }
}

/** The durable consumer `durable` of `stream` has a waiting pull request or unacknowledged messages. */
export async function consumerSign(what: string, url: string | string[], stream: string, durable: string): Promise<LiveSign> {
  let nc;
  try {
    nc = await connect({ servers: url, timeout: PROBE_TIMEOUT_MS, reconnect: false });
  } catch {
    return undefined; // no NATS: no consumer can be pulling from it either
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: PROBE_TIMEOUT_MS });
    const info = await jsm.consumers.info(stream, durable);
    if (info.num_waiting > 0 || info.num_ack_pending > 0) {
      return `its durable consumer ${durable} on stream ${stream} is being pulled from (${info.num_waiting} pull requests waiting, ${info.num_ack_pending} messages unacknowledged)`;
    }
    return undefined;
  } catch (err) {
    if (err instanceof JetStreamApiError && (err.code === JetStreamApiCodes.ConsumerNotFound || err.code === JetStreamApiCodes.StreamNotFound)) return undefined;
    // JetStream not enabled or not answering: nothing to tell from it.
    return undefined;
  } finally {
    await nc.close();
  }
}

/** Thrown when the service is live and `--force` was not given. */
export class LiveServiceError extends Error {
  override readonly name = "LiveServiceError";
}

/** Runs the probes; throws {@link LiveServiceError} naming every sign found, unless `force`. */
export async function assertNotLive(what: string, probes: Promise<LiveSign>[], force: boolean): Promise<void> {
  const signs = (await Promise.all(probes)).filter((s): s is string => s !== undefined);
  if (signs.length === 0 || force) return;
  throw new LiveServiceError(
    `refusing to run while the ${what} service is live: ${signs.join("; ")}. ` +
      `Stop it first (a \`cairn dev\` node too), wait for its consumer's pull requests to expire (about 30 s), then run this again; ` +
      `--force rebuilds anyway (its reads answer "not found" until the rebuild ends).`,
  );
}
