/** Every row of the read model, in a stable order, as plain values (tests compare two of them). */
import { asc } from "drizzle-orm";
import { ByteArena, toHex } from "@cairn/core";
import type { CairnDb } from "@cairn/db";
import type { AccountHistoryDump } from "../store/memory-store.ts";
import { blocks, entries, progress, records } from "../store/schema.ts";

/**
 * The whole read model: rows of every table, bytes as hex, sorted by primary key. A record's and
 * an entry's `blockId` is the id `blocks` has at its height (the tables name a block by height).
 */
export interface ReadModelDump {
  blocks: { height: string; id: string }[];
  records: { blockId: string; position: number; height: string; kind: string; record: string }[];
  entries: { address: string; seqNum: string; blockId: string; position: number; height: string }[];
  progress: { headId: string; headHeight: string; libHeight: string }[];
}

/** Reads every row of the account history tables. */
export async function dumpReadModel(db: CairnDb): Promise<ReadModelDump> {
  const b = await db.select().from(blocks).orderBy(asc(blocks.height));
  const r = await db.select().from(records).orderBy(asc(records.height), asc(records.position));
  const e = await db.select().from(entries).orderBy(asc(entries.address), asc(entries.seqNum));
  const p = await db.select().from(progress);
  const ids = new Map(b.map((x) => [x.height, toHex(x.id)]));
  const blockIdAt = (height: bigint) => ids.get(height) ?? `no block at height ${height}`;
  return {
    blocks: b.map((x) => ({ height: String(x.height), id: toHex(x.id) })),
    records: r.map((x) => ({ blockId: blockIdAt(x.height), position: x.position, height: String(x.height), kind: x.kind, record: toHex(x.record) })),
    entries: e.map((x) => ({ address: toHex(x.address), seqNum: String(x.seqNum), blockId: blockIdAt(x.height), position: x.position, height: String(x.height) })),
    progress: p.map((x) => ({ headId: toHex(x.headId), headHeight: String(x.headHeight), libHeight: String(x.libHeight) })),
  };
}

/** The rows a `MemoryAccountHistoryStore` dump stands for, as `dumpReadModel` reads them from the tables. */
export function readModelOfDump(d: AccountHistoryDump): ReadModelDump {
  const ids = ByteArena.fromDump(d.blocks);
  const blockIdAt = (height: number) => toHex(ids.get(height - 1));
  const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const chunks = d.chunks.map((c, i) => (i === d.chunks.length - 1 ? c : Bun.zstdDecompressSync(c)));
  const records = Array.from(d.recChunk, (_, r) => ({ height: d.recHeight[r]!, position: d.recPosition[r]! }));
  const recordRows = Array.from(d.recChunk, (chunk, r) => ({
    blockId: blockIdAt(records[r]!.height),
    position: records[r]!.position,
    height: String(records[r]!.height),
    kind: d.recKind[r] === 0 ? "block" : "trx",
    record: toHex(chunks[chunk]!.subarray(d.recStart[r], d.recEnd[r])),
  }));
  return {
    blocks: Array.from({ length: ids.length }, (_, i) => ({ height: String(i + 1), id: toHex(ids.get(i)) })),
    records: recordRows,
    entries: d.entries
      .map((e) => ({ address: toHex(e.address), records: [...e.records] }))
      .sort((a, b) => byKey(a.address, b.address))
      .flatMap((e) => e.records.map((r, seq) => ({ address: e.address, seqNum: String(seq), blockId: blockIdAt(records[r]!.height), position: records[r]!.position, height: String(records[r]!.height) }))),
    progress: [{ headId: toHex(d.head.id), headHeight: String(d.head.height), libHeight: String(d.lib) }],
  };
}
