/**
 * The node an end-to-end suite talks to: a one-process dev node started in the test process
 * (default), or an already running node (multi-process mode, `scripts/cluster.ts`) given by
 * CAIRN_E2E_URL with the seed it was started with (CAIRN_E2E_SEED, default "cairn dev").
 */
import { createLogger, silentLogger } from "@cairn/core";
import { type DevNode, devOptionsSchema, startDevNode } from "@cairn/cli";

export interface E2eTarget {
  url: string;
  seed: string;
  mode: "one-process" | "multi-process";
  stop(): Promise<void>;
  /** The in-process node (one-process mode only). */
  node?: DevNode;
}

/** `local: true` always starts a one-process node (suites about that mode). */
export async function startTarget(overrides: Record<string, unknown> = {}, { local = false } = {}): Promise<E2eTarget> {
  const external = local ? undefined : process.env.CAIRN_E2E_URL;
  if (external) return { url: external.replace(/\/$/, ""), seed: process.env.CAIRN_E2E_SEED ?? "cairn dev", mode: "multi-process", stop: async () => {} };
  const opts = devOptionsSchema.parse({ memory: true, port: 0, grpcPortBase: 0, logLevel: "warn", ...overrides });
  const logger = process.env.CAIRN_E2E_LOG ? createLogger({ level: "debug", name: "e2e" }) : silentLogger();
  const node = await startDevNode(opts, logger);
  return { url: node.url, seed: opts.seed, mode: "one-process", node, stop: () => node.stop() };
}

/** Calls a JSON-RPC method and returns the whole response object. */
export async function rpc(url: string, method: string, params: unknown = {}): Promise<{ result?: Record<string, unknown>; error?: { code: number; message: string; data?: string } }> {
  const res = await fetch(url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return (await res.json()) as never;
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}
