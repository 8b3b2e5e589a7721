/**
 * `BlockStore` on Postgres or PGlite through drizzle-orm. A block, its transactions, their
 * containing-block links and the progress row commit in one database transaction; the insert of
 * the block row (`ON CONFLICT DO NOTHING`) decides whether anything else is written, so storing a
 * block twice — even from two paths at once — changes nothing.
 *
 * Ancestor walks (`Ancestry`) run over a `TopologyCache` of recent blocks, skip pointers for long
 * distances, and one recursive query for what the cache does not hold.
 *
 * `main_chain` holds the highest committed block and its ancestors by height, refreshed in every
 * transaction that may change the head (`refreshMainChain`). A walk from a head on it reads the
 * wanted heights with one primary-key range scan; any other walk (a fork, an uncommitted head, a
 * range reaching a missing ancestor) goes through `Ancestry`.
 *
 * With a read replica (`readDb`), lookups (blocks, topologies, ancestor walks, transactions) go to
 * the replica first. Stored blocks never change, so whatever the replica returns is right; what it
 * lacks may only be not replicated yet, so those ids (and walks that stop short) are asked again on
 * the primary. A block the chain has just announced is therefore found at once, and the primary
 * only serves the few newest blocks. The writer's own reads (skip pointers, progress, the highest
 * block) stay on the primary.
 */
import { and, eq, gte, inArray, lte, sql, type SQL } from "drizzle-orm";
import { type CairnDb, canCopy, executeRows, stageRows } from "@cairn/db";
import { toHex } from "@cairn/core";
import { encodeMessage, protocol } from "@cairn/proto";
import { Ancestry } from "./ancestry.ts";
import { type SkipNode, skipPointerFor } from "./skip-list.ts";
import { rawBytes, storedRecord, topologyOfBlock } from "./codec.ts";
import { blockLayout } from "./wire.ts";
import { blocks, containing, mainChain, PROGRESS_KEY, progress, transactions } from "./schema.ts";
import type { BlockRecord, BlockStore, Progress, ReadOptions, StoreItem, Topology, TransactionRecord } from "./store.ts";
import { DEFAULT_TOPOLOGY_CACHE_SIZE, TopologyCache } from "./topology-cache.ts";

/** Ids per `IN` list (far below Postgres's 65,535 parameters). */
const BATCH = 1000;

/** Options of `DrizzleBlockStore`. */
export interface DrizzleBlockStoreOptions {
  /** Topologies kept in memory for ancestor walks. Default `DEFAULT_TOPOLOGY_CACHE_SIZE`; 0 disables. */
  topologyCacheSize?: number;
  /**
   * A streaming replica of `db` (`DatabaseHandle.readDb`) for lookups. Default: none, `db` serves
   * them. Misses on the replica are asked again on `db` (replication lag, see the header).
   */
  readDb?: CairnDb;
}

/** A transaction to store: its id, its encoded bytes, and where it sits in the block `blockId`. */
interface TransactionRow {
  blockId: Uint8Array;
  id: Uint8Array;
  body: Uint8Array;
  position: number;
}

/**
 * The encoded block and the transactions to store from it: each transaction's bytes are its slice
 * of the block's (`wire.ts`), the bytes `protocol.Transaction.encode` gives, without encoding them
 * a second time. Transactions without an id are not stored.
 */
function encodeBlock(block: protocol.Block, blockId: Uint8Array): { bytes: Uint8Array; txs: TransactionRow[] } {
  const bytes = encodeMessage(protocol.Block, block);
  const spans = blockLayout(bytes).transactions;
  const txs: TransactionRow[] = [];
  block.transactions.forEach((tx, position) => {
    const span = spans[position]!;
    if (tx.id.length > 0) txs.push({ blockId, id: tx.id, body: bytes.subarray(span.start, span.end), position });
  });
  return { bytes, txs };
}

/**
 * On postgres.js, `insertTransactions` stages its rows in this temporary table of the connection
 * (emptied at every commit) with a binary COPY, then inserts from it: no hex or JSON to build here
 * or to parse on the server, which was most of a block store rebuild's time.
 */
const STAGED_TRANSACTIONS = "block_store_staged_transactions";
const STAGED_COLUMNS = [
  { name: "block_id", type: "bytea" },
  { name: "id", type: "bytea" },
  { name: "body", type: "bytea" },
  { name: "position", type: "int4" },
] as const;

/**
 * Stores the transactions of one or more blocks (first copy wins) and their containing-block links,
 * with one statement. Elsewhere than postgres.js (PGlite) the rows travel as one JSON text
 * parameter (hex bytes) expanded by `json_to_recordset`: building a 1,000-row VALUES list costs
 * drizzle ~30 ms, and PGlite serialises array and bytea parameters slowly, while a single text
 * parameter passes through as is.
 */
async function insertTransactions(tx: CairnDb, txs: readonly TransactionRow[]): Promise<void> {
  if (txs.length === 0) return;
  if (await stageRows(tx, STAGED_TRANSACTIONS, STAGED_COLUMNS, txs.map((t) => [t.blockId, t.id, t.body, t.position] as const))) {
    await tx.execute(storeTransactionsFrom(sql.raw(STAGED_TRANSACTIONS)));
    return;
  }
  for (const part of chunks(txs, 2_000)) {
    const rows = JSON.stringify(part.map(({ blockId, id, body, position }) => ({ k: Buffer.from(blockId).toString("hex"), i: Buffer.from(id).toString("hex"), b: Buffer.from(body).toString("hex"), p: position })));
    await tx.execute(
      storeTransactionsFrom(sql`(select decode(x.k, 'hex') as block_id, decode(x.i, 'hex') as id, decode(x.b, 'hex') as body, x.p as position
        from json_to_recordset(${rows}::json) as x(k text, i text, b text, p int))`),
    );
  }
}

/** A `blocks` row as `storeBlocks` writes it. */
interface BlockRow {
  id: Uint8Array;
  height: bigint;
  previous: Uint8Array;
  skip: Uint8Array | null;
  block: Uint8Array;
  receipt: Uint8Array | null;
}

/** `insertTransactions`'s staging, for the block rows of `storeBlocks`. */
const STAGED_BLOCKS = "block_store_staged_blocks";
const STAGED_BLOCK_COLUMNS = [
  { name: "ord", type: "int4" },
  { name: "id", type: "bytea" },
  { name: "height", type: "int8" },
  { name: "previous", type: "bytea" },
  { name: "skip", type: "bytea", nullable: true },
  { name: "block", type: "bytea" },
  { name: "receipt", type: "bytea", nullable: true },
] as const;

/**
 * Inserts block rows (first copy wins) through a staging table of the connection, as
 * `insertTransactions` does on postgres.js, in the given order (`seq`); returns the ids inserted.
 */
async function insertBlocksStaged(tx: CairnDb, rows: readonly BlockRow[], committed: boolean): Promise<{ id: Uint8Array }[]> {
  await stageRows(tx, STAGED_BLOCKS, STAGED_BLOCK_COLUMNS, rows.map((r, i) => [i, r.id, r.height, r.previous, r.skip, r.block, r.receipt] as const));
  const inserted = await executeRows<{ id: Uint8Array }>(
    tx,
    sql`insert into ${blocks} (id, height, previous, skip, block, receipt, committed)
      select id, height, previous, skip, block, receipt, ${committed} from ${sql.raw(STAGED_BLOCKS)} order by ord
      on conflict do nothing returning id`,
  );
  return inserted.map((r) => ({ id: rawBytes(r.id) }));
}

/** Inserts the transactions and containing-block links of `input` (rows of block_id, id, body, position). */
function storeTransactionsFrom(input: SQL): SQL {
  return sql`with input as (select * from ${input} as s), stored as (
      insert into ${transactions} (id, transaction) select distinct on (id) id, body from input on conflict do nothing
    )
    insert into ${containing} (transaction_id, block_id, position) select id, block_id, position from input on conflict do nothing`;
}

/** `markCommitted` of several blocks in one statement. */
function markCommittedMany(ids: readonly Uint8Array[]): SQL {
  const list = JSON.stringify(ids.map((id) => Buffer.from(id).toString("hex")));
  return sql`with recursive up(id, previous) as (
      select id, previous from ${blocks} where id in (select decode(x, 'hex') from json_array_elements_text(${list}::json) as x) and not committed
      union
      select b.id, b.previous from ${blocks} b join up on b.id = up.previous where not b.committed
    )
    update ${blocks} set committed = true where id in (select id from up)`;
}

/**
 * Marks block `id` and every uncommitted ancestor above the nearest committed one committed (one
 * statement; normally it touches the one block the chain just committed).
 */
function markCommitted(id: Uint8Array): SQL {
  return sql`with recursive up(id, previous) as (
      select id, previous from ${blocks} where id = ${id} and not committed
      union all
      select b.id, b.previous from ${blocks} b join up on b.id = up.previous where not b.committed
    )
    update ${blocks} set committed = true where id in (select id from up)`;
}

/**
 * Brings `main_chain` up to the current head (the highest committed block): writes the head and its
 * ancestors from the top down to the first height that already holds the right block (one row when
 * the head grows by a block, the heights above the common ancestor after a fork switch), and
 * removes the heights above the head and those below a missing ancestor. When the head is already
 * in place, it extends the rows downwards from the parent of the lowest one, if that block has been
 * stored since (a filled gap). Run after the head may
 * have changed, in the same transaction, after `lockMainChain`.
 */
function refreshMainChain(): SQL {
  return sql`with recursive head as (
      select id, height from ${blocks} where committed order by height desc nulls last, seq limit 1
    ), seeds as (
      select b.id, b.previous, b.height from ${blocks} b join head h on b.id = h.id
      where not exists (select 1 from ${mainChain} m where m.height = b.height and m.block_id = b.id)
      union all
      -- Head unchanged: the parent of the lowest row, once stored (it filled a gap).
      select b.id, b.previous, b.height
      from (select height, block_id from ${mainChain} order by height limit 1) low
      join ${blocks} lb on lb.id = low.block_id
      join ${blocks} b on b.id = lb.previous and b.height = low.height - 1
      where exists (select 1 from ${mainChain} m join head h on m.height = h.height and m.block_id = h.id)
    ), walk(id, previous, height) as (
      select id, previous, height from seeds
      union all
      select b.id, b.previous, b.height from walk w join ${blocks} b on b.id = w.previous and b.height = w.height - 1
      where not exists (select 1 from ${mainChain} m where m.height = b.height and m.block_id = b.id)
    ), written as (
      insert into ${mainChain} (height, block_id) select height, id from walk
      on conflict (height) do update set block_id = excluded.block_id
    ), gap as (
      select min(w.height) as height from walk w
      where w.height > 1 and not exists (select 1 from ${blocks} b where b.id = w.previous and b.height = w.height - 1)
    )
    delete from ${mainChain} where height < (select height from gap) or height > (select height from head)`;
}

/** Serialises `refreshMainChain` between concurrent writers (readers are not blocked). */
const lockMainChain = sql`lock table ${mainChain} in exclusive mode`;

/** Splits `items` into chunks of at most `size`. */
function chunks<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `items` without repeated ids (by hex), first occurrence kept. */
function uniqueIds(ids: readonly Uint8Array[]): Uint8Array[] {
  const seen = new Map<string, Uint8Array>();
  for (const id of ids) if (!seen.has(toHex(id))) seen.set(toHex(id), id);
  return [...seen.values()];
}

/** The block store on a migrated `CairnDb` (Postgres or PGlite). */
export class DrizzleBlockStore implements BlockStore {
  private readonly cache: TopologyCache;
  /** Walks on the primary (the writer's, and the fallback). */
  private readonly ancestry: Ancestry;
  /** The replica, or undefined when reads go to the primary. */
  private readonly replica: { db: CairnDb; ancestry: Ancestry } | undefined;

  /** `db` must be migrated with this package's `drizzle/` folder. */
  constructor(
    private readonly db: CairnDb,
    options: DrizzleBlockStoreOptions = {},
  ) {
    this.cache = new TopologyCache(options.topologyCacheSize ?? DEFAULT_TOPOLOGY_CACHE_SIZE);
    this.ancestry = new Ancestry(db, this.cache);
    // Both walk over one cache: it only ever holds stored (immutable) topologies.
    if (options.readDb !== undefined && options.readDb !== db) this.replica = { db: options.readDb, ancestry: new Ancestry(options.readDb, this.cache) };
  }

  async storeBlock(block: protocol.Block, receipt?: protocol.BlockReceipt, committed = true): Promise<boolean> {
    const topology = topologyOfBlock(block);
    if (this.cache.has(topology.id)) {
      if (committed) {
        await this.db.transaction(async (tx) => {
          await tx.execute(markCommitted(topology.id));
          await tx.execute(lockMainChain);
          await tx.execute(refreshMainChain());
        });
      }
      return false;
    }
    const skip = await this.ancestry.skipPointer(topology);
    const encoded = encodeBlock(block, topology.id);
    const stored = await this.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(blocks)
        .values({
          id: topology.id,
          height: topology.height,
          previous: topology.previous,
          skip,
          block: encoded.bytes,
          receipt: receipt === undefined ? null : encodeMessage(protocol.BlockReceipt, receipt),
          committed,
        })
        .onConflictDoNothing()
        .returning({ id: blocks.id });
      // A committed block vouches for its ancestors: the chain commits parents first.
      if (committed) {
        await tx.execute(markCommitted(inserted.length > 0 ? topology.previous : topology.id));
        await tx.execute(lockMainChain);
        await tx.execute(refreshMainChain());
      }
      if (inserted.length === 0) return false;
      await insertTransactions(tx, encoded.txs);
      await tx
        .insert(progress)
        .values({ key: PROGRESS_KEY, blockId: topology.id, height: topology.height })
        .onConflictDoUpdate({ target: progress.key, set: { blockId: topology.id, height: topology.height } });
      return true;
    });
    this.cache.set({ ...topology, skip });
    return stored;
  }

  async storeBlocks(items: readonly StoreItem[], committed = true): Promise<boolean[]> {
    // Skip pointers first, in order: a block's ancestors may be earlier in the batch (not stored yet).
    const batch = new Map<string, SkipNode>();
    const lookup = async (id: Uint8Array) => batch.get(toHex(id)) ?? (await this.ancestry.node(id));
    // `known`: stored before (cached) or earlier in this batch — never inserted by this row.
    const rows: { topology: Topology; skip: Uint8Array | null; item: StoreItem; key: string; known: boolean }[] = [];
    for (const item of items) {
      const topology = topologyOfBlock(item.block);
      const key = toHex(topology.id);
      if (this.cache.has(topology.id) || batch.has(key)) {
        rows.push({ topology, skip: null, item, key, known: true });
        continue;
      }
      const parent = topology.height > 1n ? await lookup(topology.previous) : undefined;
      const skip = await skipPointerFor(topology.height, parent, lookup);
      batch.set(key, { ...topology, skip });
      rows.push({ topology, skip, item, key, known: false });
    }
    const fresh = rows.filter((r) => !r.known).map((r) => ({ ...r, encoded: encodeBlock(r.item.block, r.topology.id) }));
    const inserted = await this.db.transaction(async (tx) => {
      const ids = new Set<string>();
      for (const part of chunks(fresh, 200)) {
        if (part.length === 0) continue;
        const values: BlockRow[] = part.map(({ topology, skip, item, encoded }) => ({
          id: topology.id,
          height: topology.height,
          previous: topology.previous,
          skip,
          block: encoded.bytes,
          receipt: item.receipt === undefined ? null : encodeMessage(protocol.BlockReceipt, item.receipt),
        }));
        const got = canCopy(tx)
          ? await insertBlocksStaged(tx, values, committed)
          : await tx
              .insert(blocks)
              .values(values.map((v) => ({ ...v, committed })))
              .onConflictDoNothing()
              .returning({ id: blocks.id });
        for (const r of got) ids.add(toHex(r.id));
      }
      // As storeBlock: a new committed block vouches for its ancestors, an old one is marked itself.
      if (committed) {
        const marks = rows.map((r) => (!r.known && ids.has(r.key) ? r.topology.previous : r.topology.id));
        if (marks.length > 0) await tx.execute(markCommittedMany(marks));
        await tx.execute(lockMainChain);
        await tx.execute(refreshMainChain());
      }
      const txs = fresh.filter((r) => ids.has(r.key)).flatMap((r) => r.encoded.txs);
      await insertTransactions(tx, txs);
      const last = [...fresh].reverse().find((r) => ids.has(r.key));
      if (last !== undefined) {
        await tx
          .insert(progress)
          .values({ key: PROGRESS_KEY, blockId: last.topology.id, height: last.topology.height })
          .onConflictDoUpdate({ target: progress.key, set: { blockId: last.topology.id, height: last.topology.height } });
      }
      return ids;
    });
    for (const r of fresh) this.cache.set({ ...r.topology, skip: r.skip });
    return rows.map((r) => !r.known && inserted.has(r.key));
  }

  async getBlocksById(ids: readonly Uint8Array[], options: ReadOptions): Promise<(BlockRecord | undefined)[]> {
    const found = new Map<string, BlockRecord>();
    const read = async (db: CairnDb, wanted: Uint8Array[]) => {
      for (const batch of chunks(wanted)) {
        for (const record of await this.readBlocks(db, inArray(blocks.id, batch), options)) found.set(toHex(record.id), record);
      }
    };
    const unique = uniqueIds(ids);
    await read(this.readDb, unique);
    if (this.replica !== undefined) await read(this.db, unique.filter((id) => !found.has(toHex(id))));
    return ids.map((id) => found.get(toHex(id)));
  }

  async getTopology(id: Uint8Array): Promise<Topology | undefined> {
    const node = (await this.replica?.ancestry.node(id)) ?? (await this.ancestry.node(id));
    return node === undefined ? undefined : { id: node.id, height: node.height, previous: node.previous };
  }

  async getAncestors(head: Topology, startHeight: bigint, endHeight: bigint, options: ReadOptions): Promise<BlockRecord[]> {
    const onMain = (await this.readMainChain(this.readDb, head, startHeight, endHeight, options)) ?? (this.replica === undefined ? undefined : await this.readMainChain(this.db, head, startHeight, endHeight, options));
    if (onMain !== undefined) return onMain;
    let path = await (this.replica?.ancestry ?? this.ancestry).walk(head, startHeight, endHeight);
    // Short of the wanted range: the replica may not have the newest links yet.
    const wanted = (endHeight < head.height ? endHeight : head.height) - startHeight + 1n;
    if (this.replica !== undefined && BigInt(path.length) < wanted) path = await this.ancestry.walk(head, startHeight, endHeight);
    if (!options.block && !options.receipt) return path.map((t) => ({ id: t.id, height: t.height, previous: t.previous }));
    const first = path[0];
    const last = path[path.length - 1];
    if (first === undefined || last === undefined) return [];
    // The path is contiguous in height: one index range scan (siblings on other forks are dropped).
    const bodies = new Map<string, BlockRecord>();
    for (const record of await this.readBlocks(this.readDb, and(gte(blocks.height, first.height), lte(blocks.height, last.height))!, options)) bodies.set(toHex(record.id), record);
    const missing = path.filter((t) => !bodies.has(toHex(t.id))).map((t) => t.id);
    if (this.replica !== undefined && missing.length > 0) {
      for (const batch of chunks(missing)) for (const record of await this.readBlocks(this.db, inArray(blocks.id, batch), options)) bodies.set(toHex(record.id), record);
    }
    return path.map((t) => bodies.get(toHex(t.id)) ?? { id: t.id, height: t.height, previous: t.previous });
  }

  async getHighestBlock(): Promise<Topology | undefined> {
    const rows = await this.db
      .select({ id: blocks.id, height: blocks.height, previous: blocks.previous })
      .from(blocks)
      .where(eq(blocks.committed, true))
      // Matches the index blocks_height_seq_idx (height DESC NULLS LAST, seq).
      .orderBy(sql`${blocks.height} desc nulls last`, blocks.seq)
      .limit(1);
    return rows[0];
  }

  async getTransactionsById(ids: readonly Uint8Array[]): Promise<TransactionRecord[]> {
    const bodies = new Map<string, Uint8Array>();
    const links = new Map<string, Uint8Array[]>();
    const unique = uniqueIds(ids.filter((id) => id.length > 0));
    await this.readTransactions(this.readDb, unique, bodies, links);
    if (this.replica !== undefined) await this.readTransactions(this.db, unique.filter((id) => !bodies.has(toHex(id))), bodies, links);
    const out: TransactionRecord[] = [];
    for (const id of ids) {
      const key = toHex(id);
      const body = bodies.get(key);
      if (body === undefined) continue;
      out.push({ transaction: protocol.Transaction.decode(body), containingBlocks: links.get(key) ?? [] });
    }
    return out;
  }

  /** Where lookups go first: the replica, or the primary when there is none. */
  private get readDb(): CairnDb {
    return this.replica?.db ?? this.db;
  }

  /** Reads the transactions `ids` and their containing-block links from `db` into `bodies` and `links`. */
  private async readTransactions(db: CairnDb, ids: Uint8Array[], bodies: Map<string, Uint8Array>, links: Map<string, Uint8Array[]>): Promise<void> {
    for (const batch of chunks(ids)) {
      const rows = await db.select().from(transactions).where(inArray(transactions.id, batch));
      for (const row of rows) bodies.set(toHex(row.id), row.transaction);
      if (rows.length === 0) continue;
      const found = await db
        .select({ transactionId: containing.transactionId, blockId: containing.blockId })
        .from(containing)
        .innerJoin(blocks, eq(blocks.id, containing.blockId))
        .where(and(inArray(containing.transactionId, rows.map((r) => r.id)), eq(blocks.committed, true)))
        .orderBy(blocks.seq);
      for (const link of found) {
        const key = toHex(link.transactionId);
        const list = links.get(key) ?? [];
        list.push(link.blockId);
        links.set(key, list);
      }
    }
  }

  async getProgress(): Promise<Progress | undefined> {
    const rows = await this.db.select({ blockId: progress.blockId, height: progress.height }).from(progress).where(eq(progress.key, PROGRESS_KEY));
    return rows[0];
  }

  async reset(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(containing);
      await tx.delete(transactions);
      await tx.delete(blocks);
      await tx.delete(mainChain);
      await tx.delete(progress);
    });
    this.cache.clear();
  }

  /**
   * `getAncestors` through `main_chain`: the blocks at heights [start, min(end, head)] when `head`
   * is on the main chain of `db` and every one of them is there; undefined otherwise (the caller
   * then walks the links).
   */
  private async readMainChain(db: CairnDb, head: Topology, startHeight: bigint, endHeight: bigint, options: ReadOptions): Promise<BlockRecord[] | undefined> {
    const start = startHeight < 1n ? 1n : startHeight;
    const end = endHeight < head.height ? endHeight : head.height;
    if (start > end) return undefined;
    const rows = await db
      .select(readColumns(options))
      // The blocks come from the height index's range (neighbouring index entries, rows stored side
      // by side), each checked against its main_chain row (consecutive keys): no random probe of
      // the id index per block, so the read costs the same at any chain length.
      .from(blocks)
      .where(
        and(
          gte(blocks.height, start),
          lte(blocks.height, end),
          sql`exists (select 1 from ${mainChain} m where m.height = ${blocks.height} and m.block_id = ${blocks.id})`,
          sql`exists (select 1 from ${mainChain} h where h.height = ${String(head.height)}::bigint and h.block_id = ${head.id})`,
        ),
      )
      .orderBy(blocks.height);
    if (BigInt(rows.length) !== end - start + 1n) return undefined;
    return rows.map((r) => this.toRecord(r, options));
  }

  /** A read row as a `BlockRecord` over the requested parts' bytes (`storedRecord`: decoded on access only), its topology cached. */
  private toRecord(r: { id: Uint8Array; height: bigint; previous: Uint8Array; skip: Uint8Array | null; block: Uint8Array | null; receipt: Uint8Array | null }, options: ReadOptions): BlockRecord {
    this.cache.set({ id: r.id, height: r.height, previous: r.previous, skip: r.skip });
    return storedRecord(r, options.block ? r.block : null, options.receipt ? r.receipt : null);
  }

  /** The blocks matching `where` in `db`, with the requested parts (`toRecord`). */
  private async readBlocks(db: CairnDb, where: SQL, options: ReadOptions): Promise<BlockRecord[]> {
    const rows = await db
      .select(readColumns(options))
      .from(blocks)
      .where(where);
    return rows.map((r) => this.toRecord(r, options));
  }
}

/** The columns of a block read: topology always, the block and receipt bytes only when asked. */
function readColumns(options: ReadOptions) {
  return {
    id: blocks.id,
    height: blocks.height,
    previous: blocks.previous,
    skip: blocks.skip,
    block: options.block ? blocks.block : sql<Uint8Array | null>`null`,
    receipt: options.receipt ? blocks.receipt : sql<Uint8Array | null>`null`,
  };
}
