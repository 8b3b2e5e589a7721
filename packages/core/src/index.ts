/**
 * @cairn/core — the leaf package every other one depends on: the `CairnError` base class and its
 * codes, byte/encoding helpers, the `Logger` interface (pino underneath), the Prometheus registry
 * factory, abort/retry utilities, and the progress meter of long replays. It depends on nothing else in the workspace.
 */
export * from "./errors.ts";
export * from "./bytes.ts";
export * from "./logger.ts";
export * from "./metrics.ts";
export * from "./async.ts";
export * from "./ports.ts";
export * from "./progress.ts";
export * from "./compact.ts";
