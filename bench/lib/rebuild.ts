/**
 * `cairn rebuild account-history` and `cairn rebuild block-store` as a user runs them: against a
 * running block store and an event stream, each into a Postgres database of its own
 * (created for the run, dropped after it). Throughput from the command's own report
 * (`done, N blocks, …, in Xs`) and from its wall time (process start included).
 */
import { join } from "node:path";
import { createThrowawayDatabase } from "@cairn/db/testing";
import { onCleanup, spawnChild } from "./children.ts";
import { ROOT } from "./dev-node.ts";
import { round, say } from "./util.ts";

export interface RebuildRun {
  command: string;
  blocks: number;
  /** The rebuild's own seconds (its report). */
  seconds: number;
  wall_seconds: number;
  blocks_per_second: number;
  wall_blocks_per_second: number;
  output: string;
}

async function runCairn(args: string[], pattern: RegExp): Promise<RebuildRun> {
  const t0 = performance.now();
  const proc = spawnChild(["bun", join(ROOT, "cli/src/main.ts"), ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout as ReadableStream).text(), new Response(proc.stderr as ReadableStream).text(), proc.exited]);
  const wall = (performance.now() - t0) / 1000;
  const line = out.split(/\r|\n/).find((l) => pattern.test(l));
  const m = line ? pattern.exec(line) : null;
  if (code !== 0 || !m) throw new Error(`cairn ${args.slice(0, 2).join(" ")} exited ${code}: ${(err || out).slice(-600)}`);
  const blocks = Number(m[1]);
  const seconds = Number(m[2]);
  return {
    command: `cairn ${args.join(" ")}`,
    blocks,
    seconds,
    wall_seconds: round(wall, 2),
    blocks_per_second: round(blocks / Math.max(seconds, 0.05)),
    wall_blocks_per_second: round(blocks / wall),
    output: line!.trim(),
  };
}

/** Rebuilds account history from the block store at `blockStoreAddress`, into a new database on `serverUrl`. */
export async function rebuildAccountHistory(serverUrl: string, blockStoreAddress: string): Promise<RebuildRun> {
  const db = await createThrowawayDatabase(serverUrl, "cairn_bench_rebuild");
  const drop = onCleanup(`database ${db.name}`, () => db.drop());
  try {
    say(`rebuild account-history from the block store at ${blockStoreAddress}`);
    return await runCairn(["rebuild", "account-history", "--database-url", db.url, "--block-store-address", blockStoreAddress, "--force"], /done, (\d+) blocks, .* in ([\d.]+)s/);
  } finally {
    await drop();
  }
}

/** Rebuilds the block store from the cluster's event stream, into a new database on `serverUrl`. */
export async function rebuildBlockStore(serverUrl: string, natsUrl: string, stream: string, subjectPrefix: string): Promise<RebuildRun> {
  const db = await createThrowawayDatabase(serverUrl, "cairn_bench_rebuild");
  const drop = onCleanup(`database ${db.name}`, () => db.drop());
  try {
    say(`rebuild block-store from stream ${stream}`);
    return await runCairn(["rebuild", "block-store", "--database-url", db.url, "--nats-url", natsUrl, "--stream", stream, "--subject-prefix", subjectPrefix, "--force"], /done, (\d+) blocks stored .* in ([\d.]+)s/);
  } finally {
    await drop();
  }
}
