/** Every row of the read model, in a stable order, as plain values (tests compare two of them). */
import { asc } from "drizzle-orm";
import { toHex } from "@cairn/core";
import type { CairnDb } from "@cairn/db";
import { blocks, entries, progress, records } from "../store/schema.ts";

/** The whole read model: rows of every table, bytes as hex, sorted by primary key. */
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
  return {
    blocks: b.map((x) => ({ height: String(x.height), id: toHex(x.id) })),
    records: r.map((x) => ({ blockId: toHex(x.blockId), position: x.position, height: String(x.height), kind: x.kind, record: toHex(x.record) })),
    entries: e.map((x) => ({ address: toHex(x.address), seqNum: String(x.seqNum), blockId: toHex(x.blockId), position: x.position, height: String(x.height) })),
    progress: p.map((x) => ({ headId: toHex(x.headId), headHeight: String(x.headHeight), libHeight: String(x.libHeight) })),
  };
}
