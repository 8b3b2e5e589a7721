#!/usr/bin/env bun
/**
 * `cairn rebuild` throughput (architecture §9: ≥ 5,000 blocks/s), on a chain made for the run
 * (bench/lib/synthetic-chain.ts: `--per-block` KOIN transfers in every block, signed blocks, real
 * ids and receipts) — not on whatever a short cluster run happened to produce:
 *   1. the blocks go into a Postgres block store of the run's own database (the store's own
 *      `storeBlock`), and as `koinos.block.accept` events into a NATS stream of the run's own;
 *   2. a block store service (its own process, as deployed) serves that database;
 *   3. baseline: this process reads the whole chain from it the way the rebuild does
 *      (`blocksWithReceiptsByHeight`, 100 blocks a call) — the rate the source allows;
 *   4. `cairn rebuild account-history --block-store-address …` into a new database;
 *   5. `cairn rebuild block-store --nats-url …` from the stream into a new database.
 * Blocks/s from each command's own report (process start excluded; wall time beside it).
 * Everything the run made (databases, streams) is removed after it.
 *
 *   bun bench/rebuild.bench.ts [--quick] [--blocks 10000] [--per-block 10] [--out FILE]
 */
import { join } from "node:path";
import { silentLogger } from "@cairn/core";
import { openDatabase } from "@cairn/db";
import { createThrowawayDatabase, postgresTestUrl } from "@cairn/db/testing";
import { createNatsEventBus } from "@cairn/bus";
import { DrizzleBlockStore, MIGRATIONS_FOLDER as BLOCKS_MIGRATIONS, SCHEMA_NAME as BLOCKS_SCHEMA } from "@cairn/block-store";
import { blockStoreFromClient } from "@cairn/block-store/client";
import { blockAcceptMessage } from "@cairn/chain";
import { block_store } from "@cairn/proto";
import { checkHealth, createGrpcClient } from "@cairn/rpc";
import { onCleanup, runBench, spawnChild, stopChild } from "./lib/children.ts";
import { ROOT } from "./lib/dev-node.ts";
import { rebuildAccountHistory, rebuildBlockStore } from "./lib/rebuild.ts";
import { Report } from "./lib/result.ts";
import { syntheticChain } from "./lib/synthetic-chain.ts";
import { QUICK, freePort, numberFlag, round, say, waitFor } from "./lib/util.ts";

const BLOCKS = numberFlag("blocks", QUICK ? 1_000 : 10_000);
const PER_BLOCK = numberFlag("per-block", 10);
const NATS_URL = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const report = new Report("rebuild", "cairn rebuild from a block store and from the event stream");
const src = "architecture §9";
const logger = silentLogger();

await runBench(async () => {
  const server = await postgresTestUrl();
  if (server === undefined) {
    report.note("rebuild NOT MEASURED: no Postgres reachable (DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)");
    await report.write();
    return;
  }
  report.data.shape = { blocks: BLOCKS, transfers_per_block: PER_BLOCK };
  const run = `rb${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const replay = { stream: `BENCH_REBUILD_${run}`, subjectPrefix: `bench_rebuild_${run}` };
  const service = { stream: `BENCH_REBUILD_SVC_${run}`, subjectPrefix: `bench_rebuild_svc_${run}` };

  const source = await createThrowawayDatabase(server, "cairn_bench_rebuild_src");
  onCleanup(`database ${source.name}`, () => source.drop());
  const bus = createNatsEventBus({ url: NATS_URL, stream: replay.stream, subjectPrefix: replay.subjectPrefix, name: "cairn-bench-rebuild", storage: "file" }, { logger });
  onCleanup(`streams ${replay.stream}, ${service.stream}`, async () => {
    await bus.close();
    const { connect } = await import("@nats-io/transport-node");
    const { jetstreamManager } = await import("@nats-io/jetstream");
    const nc = await connect({ servers: NATS_URL });
    const jsm = await jetstreamManager(nc);
    for (const s of [replay.stream, service.stream]) await jsm.streams.delete(s).catch(() => false);
    await nc.close();
  });
  await bus.start();

  // 1. The chain, into the store and the stream.
  {
    const db = await openDatabase(source.url, { logger, schemaName: BLOCKS_SCHEMA, migrationsFolder: BLOCKS_MIGRATIONS });
    try {
      const store = new DrizzleBlockStore(db.db);
      const t0 = performance.now();
      let pending: Promise<unknown>[] = [];
      let n = 0;
      for (const { block, receipt } of syntheticChain({ perBlock: PER_BLOCK })) {
        await store.storeBlock(block, receipt, true);
        pending.push(bus.publish(...publishArgs(blockAcceptMessage(block, receipt))));
        if (pending.length >= 200) {
          await Promise.all(pending);
          pending = [];
        }
        if (++n >= BLOCKS) break;
        if (n % 2_000 === 0) say(`made ${n.toLocaleString("en-US")} / ${BLOCKS.toLocaleString("en-US")} blocks (${round(n / ((performance.now() - t0) / 1000))} blocks/s)`);
      }
      await Promise.all(pending);
      say(`made ${n.toLocaleString("en-US")} blocks of ${PER_BLOCK} transfers in ${round((performance.now() - t0) / 1000, 1)} s`);
    } finally {
      await db.close();
    }
  }

  // 2. A block store service on that database.
  const [grpcPort, metricsPort] = [await freePort(), await freePort()];
  const address = `127.0.0.1:${grpcPort}`;
  const proc = spawnChild(
    ["bun", join(ROOT, "services/block-store/src/main.ts"), "--grpc-host", "127.0.0.1", "--grpc-port", String(grpcPort), "--metrics-port", String(metricsPort), "--nats-stream", service.stream, "--nats-subject-prefix", service.subjectPrefix],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: source.url, DATABASE_READ_URL: "", NATS_URL, LOG_LEVEL: "warn" }, stdout: "inherit", stderr: "inherit" },
  );
  onCleanup("block store service", () => stopChild(proc));
  await waitFor("the block store service", async () => ((await checkHealth(address, "", { timeoutMs: 1000 }).catch(() => undefined)) === "SERVING" ? true : undefined), 60_000, 100);

  // 3. Baseline: the source's own read rate, as the rebuild reads it.
  {
    const client = createGrpcClient(block_store.BlockStoreServiceDefinition, address, { deadlineMs: 60_000 }, { logger });
    try {
      const blocks = blockStoreFromClient(client);
      const head = (await blocks.highest())!;
      const t0 = performance.now();
      let read = 0;
      for (let h = 1n; h <= head.height; h += 100n) read += (await blocks.blocksWithReceiptsByHeight(head.id, h, Math.min(100, Number(head.height - h + 1n)))).length;
      const seconds = (performance.now() - t0) / 1000;
      const rate = round(read / seconds);
      say(`baseline: read ${read.toLocaleString("en-US")} blocks with receipts from the block store service in ${round(seconds, 1)} s (${rate} blocks/s)`);
      report.data.source_read = { blocks: read, seconds: round(seconds, 2), blocks_per_second: rate };
      report.add({ id: "source_read.blocks_per_second", label: `block store service read, ${PER_BLOCK} transfers a block, 100 blocks a call (baseline)`, value: rate, unit: "blocks/s" });
    } finally {
      client.close();
    }
  }

  // 4, 5. The commands.
  const runs = [
    ["account_history", "cairn rebuild account-history (from the block store service)", () => rebuildAccountHistory(server, address)],
    ["block_store", "cairn rebuild block-store (from the event stream)", () => rebuildBlockStore(server, NATS_URL, replay.stream, replay.subjectPrefix)],
  ] as const;
  let failures = 0;
  for (const [id, label, fn] of runs) {
    try {
      const r = await fn();
      say(`${label}: ${r.blocks} blocks in ${r.seconds} s (${r.blocks_per_second} blocks/s; wall ${r.wall_blocks_per_second} blocks/s)`);
      report.data[`rebuild.${id}`] = r;
      const baseline = report.data.source_read as { blocks_per_second: number };
      report.add({
        id: `rebuild.${id}.blocks_per_second`,
        label: `${label}, ${r.blocks.toLocaleString("en-US")} blocks of ${PER_BLOCK} transfers`,
        value: r.blocks_per_second,
        unit: "blocks/s",
        target: { op: ">=", value: 5_000, source: src },
        ...(id === "account_history" ? { baseline: { label: "block store service read rate", value: baseline.blocks_per_second, unit: "blocks/s" } } : {}),
        note: `wall time with process start: ${r.wall_blocks_per_second} blocks/s`,
      });
    } catch (e) {
      failures++;
      report.note(`${label}: NOT MEASURED — ${(e as Error).message}`);
    }
  }
  report.note(`a chain of ${BLOCKS.toLocaleString("en-US")} blocks × ${PER_BLOCK} KOIN transfers made for the run (signed blocks, real ids and receipts; placeholder transaction signatures, which no rebuild verifies)`);
  await report.write();
  if (failures > 0) throw new Error(`${failures} rebuild(s) failed (see the notes)`);
});

/** `bus.publish` arguments of an outgoing message. */
function publishArgs(m: { subject: string; data: Uint8Array; payload?: object }): [string, Uint8Array] {
  return [m.subject, m.data];
}
