/** Small helpers every benchmark uses: flags, progress lines, free ports, a process's RSS, percentiles, JSON-RPC. */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** `--name value` from argv, or `d`. */
export function flag(name: string, d: string): string;
export function flag(name: string, d?: string): string | undefined;
export function flag(name: string, d?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : d;
}
export const numberFlag = (name: string, d: number): number => Number(flag(name, String(d)));
export const hasFlag = (name: string): boolean => process.argv.includes(`--${name}`);
/** The short smoke form (`--quick`): proves the harness, its figures mean nothing. */
export const QUICK = hasFlag("quick");

const started = performance.now();
/** A progress line on stderr, with seconds since this benchmark started. */
export function say(msg: string): void {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);
}

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resident set size of process `pid` in MB (VmRSS from /proc), or undefined when it is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** The p-th percentile (0–100) of `sorted` (ascending). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** p50/p99 of latencies in ms, rounded to 0.01 ms. */
export function latencySummary(values: number[] | Float64Array): { p50_ms: number; p99_ms: number } {
  const sorted = Float64Array.from(values).sort();
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50_ms: r(percentile(sorted, 50)), p99_ms: r(percentile(sorted, 99)) };
}

export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}

/** One JSON-RPC call; throws on an error answer. */
export async function rpc<T = unknown>(url: string, method: string, params: unknown = {}, timeoutMs = 60_000): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json()) as { result?: T; error?: RpcError };
  if (body.error) throw new Error(`${method}: ${body.error.message}${body.error.data ? ` (${JSON.stringify(body.error.data)})` : ""}`);
  return body.result as T;
}

/** Polls `fn` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 25): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s`);
    await Bun.sleep(everyMs);
  }
}

export const round = (x: number, digits = 0): number => Number(x.toFixed(digits));
