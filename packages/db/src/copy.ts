/**
 * Bulk appends through `COPY … FROM STDIN (FORMAT binary)` on postgres.js: the rows travel as
 * Postgres's own binary tuples (bytes as they are, integers as 4 or 8 bytes), with nothing to
 * format on our side or to parse on the server's — the cheapest way to load many rows, several
 * times cheaper on both ends than the same rows as text parameters expanded by `unnest`. PGlite
 * has no COPY from a client stream: there `copyRows` answers false and the caller inserts its way.
 *
 * COPY only appends (no `ON CONFLICT`): use it for rows that cannot exist yet. Inside
 * `db.transaction` it is part of the transaction like any statement.
 */
import { getTableName, sql, type Table } from "drizzle-orm";
import type { Writable } from "node:stream";
import type { CairnDb } from "./handle.ts";

/** Column types `copyRows` can write, and the JavaScript value each takes. */
export type CopyType = "bytea" | "int8" | "int4" | "text";
type CopyValue<T extends CopyType> = T extends "bytea" ? Uint8Array : T extends "int8" ? bigint : T extends "int4" ? number : string;

/** A column of a COPY: its SQL name and type; a `nullable` one also takes null. */
export interface CopyColumn<T extends CopyType = CopyType> {
  name: string;
  type: T;
  nullable?: boolean;
}

/**
 * Bytes per write to the COPY stream: bounds the memory of one chunk, whatever the row count.
 * 64 KiB, not more: each chunk is copied twice more by postgres.js, and in Bun buffers of a MiB
 * cost ~8× more per byte to allocate and fill than 64 KiB ones (fresh pages every time), which
 * made those copies a tenth of a rebuild's CPU.
 */
const CHUNK_BYTES = 1 << 16;
/** The binary COPY header: signature, flags (none), header extension length (0). */
const HEADER = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
/** The binary COPY trailer: a tuple of -1 fields. */
const TRAILER = Buffer.from([0xff, 0xff]);

/** The part of a postgres.js query a COPY uses (`Query` in postgres.js's src/query.js). */
interface CopyQuery {
  writable(): Promise<Writable>;
  /** Called by the connection when the statement fails (see `copyRows`). */
  reject(error: unknown): void;
}

interface PostgresJsClient {
  unsafe(query: string): CopyQuery;
}

/** The postgres.js client under a drizzle database or transaction; undefined on PGlite. */
function postgresJsClient(db: CairnDb): PostgresJsClient | undefined {
  const client = (db as unknown as { session?: { client?: { unsafe?: unknown } } }).session?.client;
  return typeof client?.unsafe === "function" ? (client as PostgresJsClient) : undefined;
}

/** Whether `copyRows` can write on `db` (postgres.js; not PGlite). */
export function canCopy(db: CairnDb): boolean {
  return postgresJsClient(db) !== undefined;
}

/**
 * Appends `rows` (one value per column, in `columns` order; null only in nullable ones) to `table` with one binary
 * COPY. Returns false, having written nothing, when `db` is not on postgres.js; rejects when the
 * server refuses a row (the whole COPY then writes nothing).
 */
export async function copyRows<const C extends readonly CopyColumn[]>(
  db: CairnDb,
  table: Table | string,
  columns: C,
  rows: Iterable<{ [K in keyof C]: C[K] extends CopyColumn<infer T> ? (C[K] extends { nullable: true } ? CopyValue<T> | null : CopyValue<T>) : never }>,
): Promise<boolean> {
  const client = postgresJsClient(db);
  if (client === undefined) return false;
  const names = columns.map((c) => `"${c.name}"`).join(", ");
  const query = client.unsafe(`copy "${typeof table === "string" ? table : getTableName(table)}" (${names}) from stdin (format binary)`);
  // postgres.js resolves the query with the stream when the COPY starts, and reports a later
  // failure (a duplicate key, a lost connection) only through `reject` on the settled query — the
  // stream then never finishes. Catch it there.
  let fail!: (error: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const reject = query.reject.bind(query);
  query.reject = (error) => {
    fail(error);
    reject(error);
  };
  const stream = await query.writable();
  const finished = new Promise<void>((resolve, reject) => {
    stream.once("finish", resolve);
    stream.once("error", reject);
  });
  finished.catch(() => undefined);
  // Tuples are written straight into chunk-sized buffers: a buffer per tuple joined with
  // `Buffer.concat` cost Bun ~4 ms per MB of 500-byte rows (2 µs a part).
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let at = HEADER.copy(chunk, 0);
  for (const row of rows) {
    const values = row as readonly unknown[];
    const size = tupleSize(columns, values);
    if (at + size > chunk.length) {
      if (!stream.write(chunk.subarray(0, at))) await Promise.race([new Promise((resolve) => stream.once("drain", resolve)), finished, failed]);
      chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, size + TRAILER.length));
      at = 0;
    }
    at = encodeTuple(columns, values, chunk, at);
  }
  if (at + TRAILER.length > chunk.length) {
    stream.write(chunk.subarray(0, at));
    [chunk, at] = [Buffer.allocUnsafe(TRAILER.length), 0];
  }
  at += TRAILER.copy(chunk, at);
  stream.end(chunk.subarray(0, at));
  await Promise.race([finished, failed]);
  return true;
}

/** The SQL type of a COPY column type. */
const SQL_TYPE: Record<CopyType, string> = { bytea: "bytea", int8: "bigint", int4: "integer", text: "text" };

/**
 * Puts `rows` in `staging`, a temporary table of the connection made from `columns` on first use
 * (emptied at every commit) and emptied here first, so it holds exactly these rows for the
 * statements that follow in the same transaction (an `insert … select … on conflict`, which COPY
 * cannot do itself). Returns false, having done nothing, where `copyRows` cannot run (PGlite).
 */
export async function stageRows<const C extends readonly CopyColumn[]>(db: CairnDb, staging: string, columns: C, rows: Parameters<typeof copyRows<C>>[3]): Promise<boolean> {
  if (!canCopy(db)) return false;
  const definition = columns.map((c) => `"${c.name}" ${SQL_TYPE[c.type]}${c.nullable ? "" : " not null"}`).join(", ");
  await db.execute(sql.raw(`create temporary table if not exists "${staging}" (${definition}) on commit delete rows`));
  await db.execute(sql.raw(`truncate "${staging}"`));
  return copyRows(db, staging, columns, rows);
}

/** The size of `row`'s binary COPY tuple. */
function tupleSize(columns: readonly CopyColumn[], row: readonly unknown[]): number {
  let size = 2;
  for (let i = 0; i < columns.length; i++) size += 4 + (row[i] === null ? 0 : fieldSize(columns[i]!.type, row[i]));
  return size;
}

/** Writes one binary COPY tuple (field count, then each field as its length and its bytes) into `out` at `at`; returns where it ends. */
function encodeTuple(columns: readonly CopyColumn[], row: readonly unknown[], out: Buffer, at: number): number {
  at = out.writeInt16BE(columns.length, at);
  for (let i = 0; i < columns.length; i++) {
    const value = row[i];
    if (value === null) {
      at = out.writeInt32BE(-1, at);
      continue;
    }
    switch (columns[i]!.type) {
      case "bytea": {
        const bytes = value as Uint8Array;
        at = out.writeInt32BE(bytes.length, at);
        out.set(bytes, at);
        at += bytes.length;
        break;
      }
      case "int8":
        at = out.writeInt32BE(8, at);
        at = out.writeBigInt64BE(value as bigint, at);
        break;
      case "int4":
        at = out.writeInt32BE(4, at);
        at = out.writeInt32BE(value as number, at);
        break;
      case "text": {
        const length = out.write(value as string, at + 4, "utf8");
        at = out.writeInt32BE(length, at) + length;
        break;
      }
    }
  }
  return at;
}

function fieldSize(type: CopyType, value: unknown): number {
  switch (type) {
    case "bytea":
      return (value as Uint8Array).length;
    case "int8":
      return 8;
    case "int4":
      return 4;
    case "text":
      return Buffer.byteLength(value as string, "utf8");
  }
}
