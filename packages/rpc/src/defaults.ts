/** Defaults shared by the server and both clients, in one place. */

/**
 * Deadline of a client call when neither the client nor the call sets one: 5000 ms, the time
 * Koinos's JSON-RPC gateway waits for a microservice, so a stuck hop fails before the gateway
 * gives up on it.
 */
export const DEFAULT_DEADLINE_MS = 5000;

/**
 * Largest gRPC message sent or received: 64 MiB. grpc-js's default (4 MiB) is too small for a
 * range of full blocks with receipts; this still bounds memory per call.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** How long `stop` lets in-flight calls finish before cancelling them: 5000 ms. */
export const DEFAULT_GRACE_MS = 5000;

/**
 * First and longest wait between a client's reconnection attempts: 200 ms and 5000 ms (grpc-js:
 * 1 s and 120 s). Services share a private network where a connection attempt is cheap, and a
 * restarted peer should be picked up within seconds, not minutes.
 */
export const RECONNECT_BACKOFF_MS = { initial: 200, max: 5000 } as const;
