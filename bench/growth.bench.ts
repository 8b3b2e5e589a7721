#!/usr/bin/env bun
/**
 * Growth (architecture §9): block-by-height and account-history latencies with 1,000,000 blocks and
 * 10,000,000 history rows, within 2× of their latency at 1,000. The data is generated in SQL
 * (`generate_series`) straight into the Drizzle stores' tables, in a Postgres database created
 * for the run and dropped after it — not by running a node for days. Each size lives in a
 * Postgres schema of its own (the stores' migrations applied to each):
 *   blocks:  ids sha256(height) with the multihash prefix, `previous` and the skip pointer
 *            (skip-list.ts's `skipHeight`, the same formula in SQL) computed from heights, one
 *            encoded block (2 transfer-shaped transactions) and its receipt as every body, and
 *            the `main_chain` row of every height (the store keeps it when it stores blocks);
 *   history: rows of `entries` for `rows / 1000` addresses (1,000 dense seq_nums each, 10 entries
 *            per block), each pointing at a transaction record of its block.
 * Every table is then VACUUM ANALYZEd and a CHECKPOINT taken, as autovacuum and the checkpointer
 * would have done on a store that grew over time (statistics, the visibility map index-only scans
 * rely on, and clean pages).
 * Then the stores' own reads (`DrizzleBlockStore.getAncestors`: 10 blocks with receipts at a
 * random height below the head; `DrizzleAccountHistoryStore.history`: a page of 50 at a random
 * seq_num of a random address), called in this process, one at a time, the two sizes interleaved
 * in rounds (so load on the shared machine falls on both alike): p50/p99 at each size.
 * `--explain` prints the plans of the stores' queries (written out here) at each size.
 *
 *   bun bench/growth.bench.ts [--quick] [--blocks 1000000] [--rows 10000000] [--queries 400] [--explain] [--out FILE]
 */
import postgres from "postgres";
import { silentLogger } from "@cairn/core";
import { openDatabase } from "@cairn/db";
import { createThrowawayDatabase, postgresTestUrl } from "@cairn/db/testing";
import { protocol } from "@cairn/proto";
import { DrizzleBlockStore, MIGRATIONS_FOLDER as BLOCKS_MIGRATIONS, type Topology } from "@cairn/block-store";
import { DrizzleAccountHistoryStore, MIGRATIONS_FOLDER as HISTORY_MIGRATIONS } from "@cairn/account-history";
import { sha256 } from "@noble/hashes/sha2.js";
import { onCleanup, runBench } from "./lib/children.ts";
import { devAccount } from "./lib/koinos.ts";
import { Report } from "./lib/result.ts";
import { QUICK, hasFlag, latencySummary, numberFlag, round, say } from "./lib/util.ts";

const SMALL = 1_000;
const BLOCKS = numberFlag("blocks", QUICK ? 20_000 : 1_000_000);
const ROWS = numberFlag("rows", QUICK ? 100_000 : 10_000_000);
const QUERIES = numberFlag("queries", QUICK ? 50 : 400);
/** Measuring rounds: each runs QUERIES / ROUNDS reads at every size, one size after the other. */
const ROUNDS = 8;
const EXPLAIN = hasFlag("explain");
const report = new Report("growth", "Read latency as the stores grow");
const src = "architecture §9";

/** The id the generator gives height h (SQL: '\x1220' || sha256(int8send(h))). */
function idOf(h: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, h);
  return Uint8Array.from([0x12, 0x20, ...sha256(b)]);
}
const SQL_ID = (h: string) => `('\\x1220'::bytea || sha256(int8send(${h})))`;
/** skip-list.ts's skipHeight in SQL (0 → no pointer). */
const SQL_SKIP_HEIGHT = (h: string) => `(case when ${h} < 2 then 0 when ${h} % 2 = 1 then ((((${h} - 1) & (${h} - 2)) & (((${h} - 1) & (${h} - 2)) - 1)) + 1) else (${h} & (${h} - 1)) end)`;

/** A block body with 2 transfer-shaped transactions, a receipt of matching shape, and a history record of their size. */
function template(): { block: Uint8Array; receipt: Uint8Array; record: Uint8Array } {
  const senders = [devAccount(0), devAccount(1)];
  const header = protocol.BlockHeader.fromPartial({ previous: idOf(0n), height: 1n, timestamp: 1_700_000_000_000n, signer: senders[0]!.address });
  const tx = protocol.Transaction.fromPartial({ id: idOf(7n), header: { chain_id: idOf(9n), rc_limit: 10_000_000n, nonce: new Uint8Array(4), operation_merkle_root: idOf(8n), payer: senders[0]!.address }, operations: [{ call_contract: { contract_id: senders[1]!.address, entry_point: 0x27f576ca, args: new Uint8Array(60) } }], signatures: [new Uint8Array(65)] });
  const block = protocol.Block.encode(protocol.Block.fromPartial({ id: idOf(1n), header, transactions: [tx, tx], signature: new Uint8Array(65) })).finish();
  const txReceipt = { id: idOf(7n), payer: senders[0]!.address, rc_limit: 10_000_000n, rc_used: 500_000n, disk_storage_used: 100n, network_bandwidth_used: 300n, compute_bandwidth_used: 5000n, events: [{ source: senders[1]!.address, name: "token.transfer_event", data: new Uint8Array(60), impacted: [senders[0]!.address, senders[1]!.address] }] };
  const receipt = protocol.BlockReceipt.encode(protocol.BlockReceipt.fromPartial({ id: idOf(1n), height: 1n, disk_storage_used: 200n, network_bandwidth_used: 600n, compute_bandwidth_used: 10_000n, state_merkle_root: idOf(3n), transaction_receipts: [txReceipt, txReceipt] })).finish();
  const record = new Uint8Array(block.length / 2 + receipt.length / 2);
  return { block, receipt, record };
}

/** One measured read: `run` answers how many items it got (0 fails the run), `times` collects ms. */
interface Probe {
  label: string;
  run: () => Promise<number>;
  times: number[];
}

async function timeQueries(probe: Probe, n: number, keep = true): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const got = await probe.run();
    if (keep) probe.times.push(performance.now() - t0);
    if (got === 0) throw new Error(`${probe.label}: empty answer`);
  }
}

/** Warms every probe up, then runs them in `ROUNDS` interleaved rounds; p50/p99 of each. */
type Summary = { p50_ms: number; p99_ms: number };
async function measureInterleaved(probes: Probe[]): Promise<Summary[]> {
  for (const p of probes) await timeQueries(p, Math.min(50, QUERIES), false);
  const perRound = Math.max(1, Math.ceil(QUERIES / ROUNDS));
  for (let r = 0; r < ROUNDS; r++) for (const p of probes) await timeQueries(p, perRound);
  return probes.map((p) => {
    const s = latencySummary(p.times);
    say(`${p.label}: p50 ${s.p50_ms} ms, p99 ${s.p99_ms} ms (${p.times.length} reads)`);
    return s;
  });
}

await runBench(async () => {
  const server = await postgresTestUrl();
  if (server === undefined) {
    report.note("growth NOT MEASURED: no Postgres reachable (DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)");
    await report.write();
    return;
  }
  const throwaway = await createThrowawayDatabase(server, "cairn_bench_growth");
  onCleanup(`database ${throwaway.name}`, () => throwaway.drop());
  say(`database ${throwaway.name} (dropped at the end)`);
  /** A schema of `name` with `migrations` applied, and its connection. */
  const openSchema = async (name: string, migrationsFolder: string) => {
    const handle = await openDatabase(throwaway.url, { logger: silentLogger(), schemaName: name, migrationsFolder });
    onCleanup(`${name} connection`, () => handle.close());
    return handle;
  };
  const schemas = { blocksSmall: "blocks_small", blocksLarge: "blocks_large", historySmall: "history_small", historyLarge: "history_large" } as const;
  const blocksSmallDb = await openSchema(schemas.blocksSmall, BLOCKS_MIGRATIONS);
  const blocksLargeDb = await openSchema(schemas.blocksLarge, BLOCKS_MIGRATIONS);
  const historySmallDb = await openSchema(schemas.historySmall, HISTORY_MIGRATIONS);
  const historyLargeDb = await openSchema(schemas.historyLarge, HISTORY_MIGRATIONS);
  const sql = postgres(throwaway.url, { max: 1, onnotice: () => {} });
  onCleanup("generator connection", () => sql.end());
  const t = template();

  /** VACUUM ANALYZE of each table (one statement each: VACUUM cannot run in a transaction). */
  async function vacuum(schema: string, tables: string[]): Promise<void> {
    for (const table of tables) await sql.unsafe(`vacuum analyze ${schema}.${table}`);
    // Written out, as the checkpointer would have done long ago on a store that grew over time:
    // otherwise the first reads of each page evict dirty buffers and write them on the way.
    await sql.unsafe("checkpoint").catch((err: unknown) => say(`checkpoint refused (${String(err)}): first reads may write pages out`));
  }

  async function generateBlocks(schema: string, n: number): Promise<void> {
    const t0 = performance.now();
    const step = 200_000;
    for (let from = 1; from <= n; from += step) {
      const to = Math.min(n, from + step - 1);
      await sql.unsafe(
        `insert into ${schema}.blocks (id, height, previous, block, receipt, skip, committed)
         select ${SQL_ID("h")}, h, ${SQL_ID("h - 1")}, $1, $2, case when ${SQL_SKIP_HEIGHT("h")} = 0 then null else ${SQL_ID(SQL_SKIP_HEIGHT("h"))} end, true
         from generate_series(${from}::int8, ${to}::int8) as h`,
        [t.block, t.receipt],
      );
      await sql.unsafe(`insert into ${schema}.main_chain (height, block_id) select h, ${SQL_ID("h")} from generate_series(${from}::int8, ${to}::int8) as h`);
      if (n > 10_000) say(`… ${to.toLocaleString("en-US")} blocks`);
    }
    await vacuum(schema, ["blocks", "main_chain"]);
    say(`block store: ${n.toLocaleString("en-US")} blocks (${round((performance.now() - t0) / 1000, 1)} s to generate and vacuum)`);
  }

  async function generateHistory(schema: string, rows: number): Promise<number> {
    const t0 = performance.now();
    const addresses = Math.max(1, Math.floor(rows / 1000));
    const blocks = Math.ceil(rows / 10);
    await sql.unsafe(`insert into ${schema}.records (block_id, position, height, kind, record) select ${SQL_ID("h")}, 1, h, 'trx', $1 from generate_series(1::int8, ${blocks}::int8) as h`, [t.record]);
    const step = 2_000_000;
    for (let from = 0; from < rows; from += step) {
      const to = Math.min(rows, from + step) - 1;
      // Entry i: address i % A, seq_num i / A, of block i / 10 + 1 (10 entries a block).
      await sql.unsafe(
        `insert into ${schema}.entries (address, seq_num, block_id, position, height)
         select '\\x00'::bytea || int4send((i % ${addresses})::int4), i / ${addresses}, ${SQL_ID("(i / 10 + 1)")}, 1, i / 10 + 1
         from generate_series(${from}::int8, ${to}::int8) as i`,
      );
      if (rows > 100_000) say(`… ${(to + 1).toLocaleString("en-US")} history rows`);
    }
    await vacuum(schema, ["entries", "records"]);
    say(`account history: ${rows.toLocaleString("en-US")} rows, ${addresses} addresses (${round((performance.now() - t0) / 1000, 1)} s to generate and vacuum)`);
    return addresses;
  }

  const blockProbe = (db: typeof blocksSmallDb, n: number): Probe & { sample: () => bigint } => {
    const store = new DrizzleBlockStore(db.db);
    const head: Topology = { id: idOf(BigInt(n)), height: BigInt(n), previous: idOf(BigInt(n - 1)) };
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sample = () => 1n + BigInt(Math.floor(rand() * (n - 10)));
    return {
      label: `10 blocks with receipts at ${n.toLocaleString("en-US")} blocks`,
      times: [],
      sample,
      async run() {
        const start = sample();
        const got = await store.getAncestors(head, start, start + 9n, { block: true, receipt: true });
        if (got.length !== 10 || got.some((r: { block?: unknown }) => r.block === undefined)) throw new Error(`getAncestors(${start}) returned ${got.length} blocks`);
        return got.length;
      },
    };
  };
  const historyProbe = (db: typeof historySmallDb, rows: number, addresses: number): Probe & { sample: () => { address: Uint8Array; seqNum: bigint } } => {
    const store = new DrizzleAccountHistoryStore(db.db);
    const perAddress = Math.floor(rows / addresses);
    let seed = 777;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sample = () => {
      const a = Math.floor(rand() * addresses);
      return { address: Uint8Array.from([0, (a >>> 24) & 255, (a >>> 16) & 255, (a >>> 8) & 255, a & 255]), seqNum: BigInt(49 + Math.floor(rand() * (perAddress - 49))) };
    };
    return {
      label: `history page of 50 at ${rows.toLocaleString("en-US")} rows`,
      times: [],
      sample,
      async run() {
        const { address, seqNum } = sample();
        const got = await store.history({ address, seqNum, limit: 50, ascending: false, irreversible: false });
        if (got.length !== 50) throw new Error(`history(${Buffer.from(address).toString("hex")}, ${seqNum}) returned ${got.length} entries`);
        return got.length;
      },
    };
  };

  await generateBlocks(schemas.blocksSmall, SMALL);
  const addressesSmall = await generateHistory(schemas.historySmall, SMALL);
  await generateBlocks(schemas.blocksLarge, BLOCKS);
  const addressesLarge = await generateHistory(schemas.historyLarge, ROWS);

  const probes = {
    blocksSmall: blockProbe(blocksSmallDb, SMALL),
    blocksLarge: blockProbe(blocksLargeDb, BLOCKS),
    historySmall: historyProbe(historySmallDb, SMALL, addressesSmall),
    historyLarge: historyProbe(historyLargeDb, ROWS, addressesLarge),
  };

  if (EXPLAIN) {
    // The stores' read statements, written out (DrizzleBlockStore.readMainChain, DrizzleAccountHistoryStore.history).
    const explain = async (label: string, statement: string, params: (Uint8Array | string | number)[]) => {
      const plan = await sql.unsafe(`explain (analyze, buffers) ${statement}`, params);
      say(`plan, ${label}:\n${plan.map((r) => `    ${r["QUERY PLAN"]}`).join("\n")}`);
    };
    for (const [schema, n] of [[schemas.blocksSmall, SMALL], [schemas.blocksLarge, BLOCKS]] as const) {
      const start = String(BLOCKS === n ? probes.blocksLarge.sample() : probes.blocksSmall.sample());
      await explain(
        `10 blocks with receipts at ${n.toLocaleString("en-US")} blocks`,
        `select b.id, b.height, b.previous, b.skip, b.block, b.receipt from ${schema}.blocks b
         where b.height >= $1::int8 and b.height <= $1::int8 + 9 and exists (select 1 from ${schema}.main_chain m where m.height = b.height and m.block_id = b.id)
           and exists (select 1 from ${schema}.main_chain h where h.height = $2::int8 and h.block_id = $3)
         order by b.height`,
        [start, String(n), idOf(BigInt(n))],
      );
    }
    for (const [schema, rows] of [[schemas.historySmall, SMALL], [schemas.historyLarge, ROWS]] as const) {
      const { address, seqNum } = rows === ROWS ? probes.historyLarge.sample() : probes.historySmall.sample();
      await explain(
        `history page of 50 at ${rows.toLocaleString("en-US")} rows`,
        `select e.seq_num, r.kind, r.record from ${schema}.entries e join ${schema}.records r on r.block_id = e.block_id and r.position = e.position
         where e.address = $1 and e.seq_num <= $2::int8 order by e.seq_num desc limit 50`,
        [address, String(seqNum)],
      );
    }
  }

  const [blocksSmall, blocksLarge, historySmall, historyLarge] = (await measureInterleaved([probes.blocksSmall, probes.blocksLarge, probes.historySmall, probes.historyLarge])) as [Summary, Summary, Summary, Summary];

  Object.assign(report.data, { blocks: BLOCKS, rows: ROWS, queries: QUERIES, rounds: ROUNDS, block_body_bytes: t.block.length, receipt_bytes: t.receipt.length, blocks_small: blocksSmall, blocks_large: blocksLarge, history_small: historySmall, history_large: historyLarge });
  const n = (x: number) => x.toLocaleString("en-US");
  report.add({ id: "growth.blocks_by_height_p50_ms", label: `block store: 10 blocks with receipts, p50 at ${n(BLOCKS)} blocks`, value: blocksLarge.p50_ms, unit: "ms", baseline: { label: `at ${n(SMALL)} blocks`, value: blocksSmall.p50_ms } });
  report.add({ id: "growth.blocks_by_height_ratio", label: `block store p50 at ${n(BLOCKS)} / at ${n(SMALL)} blocks`, value: round(blocksLarge.p50_ms / blocksSmall.p50_ms, 2), unit: "×", target: { op: "<=", value: 2, source: src } });
  report.add({ id: "growth.account_history_p50_ms", label: `account history: page of 50, p50 at ${n(ROWS)} rows`, value: historyLarge.p50_ms, unit: "ms", baseline: { label: `at ${n(SMALL)} rows`, value: historySmall.p50_ms } });
  report.add({ id: "growth.account_history_ratio", label: `account history p50 at ${n(ROWS)} / at ${n(SMALL)} rows`, value: round(historyLarge.p50_ms / historySmall.p50_ms, 2), unit: "×", target: { op: "<=", value: 2, source: src } });
  report.add({ id: "growth.blocks_by_height_p99_ms", label: `block store: p99 at ${n(BLOCKS)} blocks`, value: blocksLarge.p99_ms, unit: "ms", baseline: { label: `at ${n(SMALL)}`, value: blocksSmall.p99_ms } });
  report.add({ id: "growth.account_history_p99_ms", label: `account history: p99 at ${n(ROWS)} rows`, value: historyLarge.p99_ms, unit: "ms", baseline: { label: `at ${n(SMALL)}`, value: historySmall.p99_ms } });
  report.note(`Postgres (Drizzle stores), store calls in the benchmark's process one at a time, both sizes interleaved in ${ROUNDS} rounds after VACUUM ANALYZE; generated rows share one block body, receipt and record. The embedded (in-memory) stores are not measured at these sizes here.`);
  if (QUICK) report.note(`quick form: ${n(BLOCKS)} blocks and ${n(ROWS)} rows instead of 1,000,000 and 10,000,000`);
  await report.write();
});
