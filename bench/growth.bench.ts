#!/usr/bin/env bun
/**
 * Growth (architecture §9): block-by-height and account-history latencies with 1,000,000 blocks and
 * 10,000,000 history rows, within 2× of their latency at 1,000. The data is generated in SQL
 * (`generate_series`) straight into the Drizzle stores' tables, in a Postgres database created
 * for the run and dropped after it — not by running a node for days:
 *   blocks:  ids sha256(height) with the multihash prefix, `previous` and the skip pointer
 *            (skip-list.ts's `skipHeight`, the same formula in SQL) computed from heights, one
 *            encoded block (2 transfer-shaped transactions) and its receipt as every body;
 *            `main_chain` (height → id) is filled alongside, as the store keeps it for its head;
 *   history: rows of `entries` for `rows / 1000` addresses (1,000 dense seq_nums each), at least
 *            10: a block's one transaction record impacts 10 addresses (10 entries per block), each
 *            once, as the store keeps them, so every entry of a page names its own record at both
 *            sizes (with a single address at 1,000 rows, ten entries named each record and Postgres
 *            read a page's 50 entries from 5 records).
 * The small and the large data sets live side by side (a schema each), each VACUUM ANALYZEd after
 * generation, as autovacuum leaves a table that has settled, and checkpointed (clean pages). Then the stores' own reads
 * (`DrizzleBlockStore.getAncestors`: 10 blocks with receipts at a random height below the head;
 * `DrizzleAccountHistoryStore.history`: a page of 50 at a random seq_num of a random address),
 * called in this process one at a time, in rounds alternating the two sizes so that drift and
 * noise on the shared machine fall on both: p50/p99 at each size.
 *
 *   bun bench/growth.bench.ts [--quick] [--blocks 1000000] [--rows 10000000] [--queries 400] [--explain] [--out FILE]
 *
 * `--explain` prints the Postgres plans (EXPLAIN ANALYZE, BUFFERS) of the statements behind both
 * reads at both sizes.
 */
import postgres from "postgres";
import { silentLogger } from "@cairn/core";
import { openDatabase } from "@cairn/db";
import { createThrowawayDatabase, postgresTestUrl } from "@cairn/db/testing";
import { protocol } from "@cairn/proto";
import { DrizzleBlockStore, MIGRATIONS_FOLDER as BLOCKS_MIGRATIONS, SCHEMA_NAME as BLOCKS_SCHEMA, type Topology } from "@cairn/block-store";
import { DrizzleAccountHistoryStore, MIGRATIONS_FOLDER as HISTORY_MIGRATIONS, SCHEMA_NAME as HISTORY_SCHEMA } from "@cairn/account-history";
import { sha256 } from "@noble/hashes/sha2.js";
import { onCleanup, runBench } from "./lib/children.ts";
import { devAccount } from "./lib/koinos.ts";
import { Report } from "./lib/result.ts";
import { QUICK, hasFlag, latencySummary, numberFlag, round, say } from "./lib/util.ts";

const SMALL = 1_000;
const BLOCKS = numberFlag("blocks", QUICK ? 20_000 : 1_000_000);
const ROWS = numberFlag("rows", QUICK ? 100_000 : 10_000_000);
const QUERIES = numberFlag("queries", QUICK ? 50 : 400);
/** Rounds the queries of each size are split into, the sizes alternating. */
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

/** A measured read: one call, returning how many items it got (0 fails the run). */
type Query = (i: number) => Promise<number>;

/**
 * `n` calls of each of `small` and `large`, after 50 warm-up calls of each, in `ROUNDS` rounds
 * alternating the two (and which goes first): p50/p99 of each.
 */
async function timeInterleaved(label: string, n: number, small: Query, large: Query): Promise<{ small: { p50_ms: number; p99_ms: number }; large: { p50_ms: number; p99_ms: number } }> {
  const times = { small: [] as number[], large: [] as number[] };
  const run = async (which: "small" | "large", i: number, keep: boolean) => {
    const t0 = performance.now();
    const got = await (which === "small" ? small : large)(i);
    if (keep) times[which].push(performance.now() - t0);
    if (got === 0) throw new Error(`${label} (${which}): empty answer`);
  };
  for (let i = 0; i < Math.min(50, n); i++) {
    await run("small", i, false);
    await run("large", i, false);
  }
  const perRound = Math.ceil(n / ROUNDS);
  for (let r = 0, done = 0; done < n; r++) {
    const count = Math.min(perRound, n - done);
    const order: ("small" | "large")[] = r % 2 === 0 ? ["small", "large"] : ["large", "small"];
    for (const which of order) for (let i = 0; i < count; i++) await run(which, done + i, true);
    done += count;
  }
  const out = { small: latencySummary(times.small), large: latencySummary(times.large) };
  say(`${label}: small p50 ${out.small.p50_ms} ms, p99 ${out.small.p99_ms} ms; large p50 ${out.large.p50_ms} ms, p99 ${out.large.p99_ms} ms`);
  return out;
}

/** `seed`-driven pseudo-random numbers in [0, 1) (the same sequence every run). */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
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
  // One schema per store and size: the large ones under the services' own schema names.
  const open = async (schemaName: string, migrationsFolder: string) => {
    const handle = await openDatabase(throwaway.url, { logger: silentLogger(), schemaName, migrationsFolder });
    onCleanup(`${schemaName} connection`, () => handle.close());
    return handle;
  };
  const schemas = { blocksSmall: `${BLOCKS_SCHEMA}_small`, blocksLarge: BLOCKS_SCHEMA, historySmall: `${HISTORY_SCHEMA}_small`, historyLarge: HISTORY_SCHEMA };
  const blocksSmallDb = await open(schemas.blocksSmall, BLOCKS_MIGRATIONS);
  const blocksLargeDb = await open(schemas.blocksLarge, BLOCKS_MIGRATIONS);
  const historySmallDb = await open(schemas.historySmall, HISTORY_MIGRATIONS);
  const historyLargeDb = await open(schemas.historyLarge, HISTORY_MIGRATIONS);
  const sql = postgres(throwaway.url, { max: 1, onnotice: () => {} });
  onCleanup("generator connection", () => sql.end());
  const t = template();

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
    await sql.unsafe(`vacuum analyze ${schema}.blocks`);
    await sql.unsafe(`vacuum analyze ${schema}.main_chain`);
    await checkpoint();
    say(`block store: ${n.toLocaleString("en-US")} blocks (${round((performance.now() - t0) / 1000, 1)} s to generate)`);
  }

  /**
   * Writes the generated pages out, as the checkpointer has long done on a store that grew over
   * time: otherwise the measured reads evict dirty buffers and write them on the way.
   */
  async function checkpoint(): Promise<void> {
    await sql.unsafe("checkpoint").catch((err: unknown) => say(`checkpoint refused (${String(err)}): the first reads may write pages out`));
  }

  /** MiB of the history tables and keys of each schema, as generated. */
  const historySizes: Record<string, Record<string, number>> = {};
  async function generateHistory(schema: string, rows: number): Promise<number> {
    const t0 = performance.now();
    // At least 10 addresses: entry i's record is its block's (i / 10), and an address appears once per record.
    const addresses = Math.max(10, Math.floor(rows / 1000));
    const blocks = Math.ceil(rows / 10);
    await sql.unsafe(`insert into ${schema}.records (position, height, kind, record) select 1, h, 'trx', $1 from generate_series(1::int8, ${blocks}::int8) as h`, [t.record]);
    const step = 2_000_000;
    for (let from = 0; from < rows; from += step) {
      const to = Math.min(rows, from + step) - 1;
      // Entry i: address i % A, seq_num i / A, of block i / 10 + 1 (10 entries a block).
      await sql.unsafe(
        `insert into ${schema}.entries (address, seq_num, position, height)
         select '\\x00'::bytea || int4send((i % ${addresses})::int4), i / ${addresses}, 1, i / 10 + 1
         from generate_series(${from}::int8, ${to}::int8) as i`,
      );
      if (rows > 100_000) say(`… ${(to + 1).toLocaleString("en-US")} history rows`);
    }
    await sql.unsafe(`vacuum analyze ${schema}.entries`);
    await sql.unsafe(`vacuum analyze ${schema}.records`);
    await checkpoint();
    const sizes = await sql.unsafe(
      `select c.relname as name, pg_relation_size(c.oid)::int8 as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = $1 and c.relname in ('entries', 'entries_address_seq_num_pk', 'records', 'records_height_position_pk') order by c.relname`,
      [schema],
    );
    const mb = (b: unknown) => round(Number(b) / 2 ** 20, 1);
    say(`account history: ${rows.toLocaleString("en-US")} rows, ${addresses} addresses (${round((performance.now() - t0) / 1000, 1)} s to generate); ${sizes.map((r) => `${String(r.name)} ${mb(r.bytes)} MiB`).join(", ")}`);
    historySizes[schema] = Object.fromEntries(sizes.map((r) => [String(r.name), mb(r.bytes)]));
    return addresses;
  }

  await generateBlocks(schemas.blocksSmall, SMALL);
  await generateBlocks(schemas.blocksLarge, BLOCKS);
  const addressesSmall = await generateHistory(schemas.historySmall, SMALL);
  const addressesLarge = await generateHistory(schemas.historyLarge, ROWS);

  const blocksQuery = (db: typeof blocksSmallDb, n: number): Query => {
    const store = new DrizzleBlockStore(db.db);
    const head: Topology = { id: idOf(BigInt(n)), height: BigInt(n), previous: idOf(BigInt(n - 1)) };
    const rand = random(12345);
    return async () => {
      const start = 1n + BigInt(Math.floor(rand() * (n - 10)));
      const got = await store.getAncestors(head, start, start + 9n, { block: true, receipt: true });
      if (got.length !== 10 || got.some((r: { block?: unknown }) => r.block === undefined)) throw new Error(`getAncestors(${start}) returned ${got.length} blocks`);
      return got.length;
    };
  };
  const historyQuery = (db: typeof historySmallDb, rows: number, addresses: number): Query => {
    const store = new DrizzleAccountHistoryStore(db.db);
    const perAddress = Math.floor(rows / addresses);
    const rand = random(777);
    return async () => {
      const a = Math.floor(rand() * addresses);
      const address = Uint8Array.from([0, (a >>> 24) & 255, (a >>> 16) & 255, (a >>> 8) & 255, a & 255]);
      const seqNum = BigInt(49 + Math.floor(rand() * (perAddress - 49)));
      const got = await store.history({ address, seqNum, limit: 50, ascending: false, irreversible: false });
      if (got.length !== 50) throw new Error(`history(${a}, ${seqNum}) returned ${got.length} entries`);
      return got.length;
    };
  };

  if (EXPLAIN) {
    // The statements the stores run for these reads (drizzle-store.ts), with literal arguments.
    const explain = async (title: string, statement: string) => {
      const plan = await sql.unsafe(`explain (analyze, buffers) ${statement}`);
      say(`plan: ${title}\n${plan.map((r) => `    ${String(r["QUERY PLAN"])}`).join("\n")}`);
    };
    for (const [schema, n] of [[schemas.blocksSmall, SMALL], [schemas.blocksLarge, BLOCKS]] as const) {
      const mid = Math.floor(n / 2);
      await explain(
        `block store, 10 blocks at ${n.toLocaleString("en-US")} blocks`,
        `select b.id, b.height, b.previous, b.skip, b.block, b.receipt from ${schema}.blocks b
         where b.height >= ${mid} and b.height <= ${mid + 9} and exists (select 1 from ${schema}.main_chain m where m.height = b.height and m.block_id = b.id)
           and exists (select 1 from ${schema}.main_chain h where h.height = ${n} and h.block_id = ${SQL_ID(String(n))})
         order by b.height`,
      );
    }
    for (const [schema, rows, addresses] of [[schemas.historySmall, SMALL, addressesSmall], [schemas.historyLarge, ROWS, addressesLarge]] as const) {
      await explain(
        `account history, page of 50 at ${rows.toLocaleString("en-US")} rows`,
        `select page.seq_num, record.kind, record.record
         from (select seq_num, height, position from ${schema}.entries where address = '\\x00'::bytea || int4send(${Math.floor(addresses / 2)}::int4) and seq_num <= ${Math.floor(rows / addresses / 2)} order by seq_num desc limit 50) page
         inner join lateral (select kind, record from ${schema}.records r where r.height = page.height and r.position = page.position limit 1) record on true
         order by page.seq_num desc`,
      );
    }
  }

  const blocks = await timeInterleaved(`10 blocks with receipts, ${SMALL.toLocaleString("en-US")} vs ${BLOCKS.toLocaleString("en-US")} blocks`, QUERIES, blocksQuery(blocksSmallDb, SMALL), blocksQuery(blocksLargeDb, BLOCKS));
  const history = await timeInterleaved(`history page of 50, ${SMALL.toLocaleString("en-US")} vs ${ROWS.toLocaleString("en-US")} rows`, QUERIES, historyQuery(historySmallDb, SMALL, addressesSmall), historyQuery(historyLargeDb, ROWS, addressesLarge));
  const blocksSmall = blocks.small;
  const blocksLarge = blocks.large;
  const historySmall = history.small;
  const historyLarge = history.large;
  Object.assign(report.data, { blocks: BLOCKS, rows: ROWS, queries: QUERIES, block_body_bytes: t.block.length, receipt_bytes: t.receipt.length, blocks_small: blocksSmall, blocks_large: blocksLarge, history_small: historySmall, history_large: historyLarge, history_mib: historySizes });
  const n = (x: number) => x.toLocaleString("en-US");
  report.add({ id: "growth.blocks_by_height_p50_ms", label: `block store: 10 blocks with receipts, p50 at ${n(BLOCKS)} blocks`, value: blocksLarge.p50_ms, unit: "ms", baseline: { label: `at ${n(SMALL)} blocks`, value: blocksSmall.p50_ms } });
  report.add({ id: "growth.blocks_by_height_ratio", label: `block store p50 at ${n(BLOCKS)} / at ${n(SMALL)} blocks`, value: round(blocksLarge.p50_ms / blocksSmall.p50_ms, 2), unit: "×", target: { op: "<=", value: 2, source: src } });
  report.add({ id: "growth.account_history_p50_ms", label: `account history: page of 50, p50 at ${n(ROWS)} rows`, value: historyLarge.p50_ms, unit: "ms", baseline: { label: `at ${n(SMALL)} rows`, value: historySmall.p50_ms } });
  report.add({ id: "growth.account_history_ratio", label: `account history p50 at ${n(ROWS)} / at ${n(SMALL)} rows`, value: round(historyLarge.p50_ms / historySmall.p50_ms, 2), unit: "×", target: { op: "<=", value: 2, source: src } });
  report.add({ id: "growth.blocks_by_height_p99_ms", label: `block store: p99 at ${n(BLOCKS)} blocks`, value: blocksLarge.p99_ms, unit: "ms", baseline: { label: `at ${n(SMALL)}`, value: blocksSmall.p99_ms } });
  report.add({ id: "growth.account_history_p99_ms", label: `account history: p99 at ${n(ROWS)} rows`, value: historyLarge.p99_ms, unit: "ms", baseline: { label: `at ${n(SMALL)}`, value: historySmall.p99_ms } });
  report.note("Postgres (Drizzle stores), store calls in the benchmark's process one at a time, the two sizes alternating in rounds; generated rows share one block body, receipt and record, and are VACUUM ANALYZEd after generation. The embedded (in-memory) stores are not measured at these sizes here.");
  if (QUICK) report.note(`quick form: ${n(BLOCKS)} blocks and ${n(ROWS)} rows instead of 1,000,000 and 10,000,000`);
  await report.write();
});
