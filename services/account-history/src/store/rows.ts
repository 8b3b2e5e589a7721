/**
 * From blocks to rows: the records of each block (impacted.ts) numbered per address, continuing
 * from each address's last seq_num. Pure: the store supplies the last seq_nums and writes the rows.
 */
import { bytesEqual, toHex } from "@cairn/core";
import type { BlockWithReceipt } from "@cairn/block-store/client";
import type { BlockRef } from "@cairn/protocol";
import { badBlockSource } from "../errors.ts";
import { blockHistory, type RecordKind } from "../impacted.ts";

/** A `blocks` row. */
export interface BlockRow {
  height: bigint;
  id: Uint8Array;
}

/** A `records` row. */
export interface RecordRow {
  position: number;
  height: bigint;
  kind: RecordKind;
  record: Uint8Array;
}

/** An `entries` row. */
export interface EntryRow {
  address: Uint8Array;
  seqNum: bigint;
  position: number;
  height: bigint;
}

/** Every row a run of blocks adds. */
export interface BlockRows {
  blocks: BlockRow[];
  records: RecordRow[];
  entries: EntryRow[];
}

/** Throws unless `blocks` extend `base` one height at a time, each naming the previous as parent. */
export function checkLinks(base: BlockRef, blocks: readonly BlockWithReceipt[]): void {
  let parent = base;
  for (const { block } of blocks) {
    const height = block.header?.height ?? 0n;
    if (height !== parent.height + 1n || !bytesEqual(block.header?.previous ?? new Uint8Array(), parent.id)) {
      throw badBlockSource("blocks do not extend the applied head", { parent: toHex(parent.id), parentHeight: String(parent.height), block: toHex(block.id), height: String(height) });
    }
    parent = { id: block.id, height };
  }
}

/** Distinct impacted addresses of `blocks`, keyed by hex. */
export function impactedAddresses(histories: ReturnType<typeof blockHistory>[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const records of histories) for (const r of records) for (const a of r.impacted) out.set(toHex(a), a);
  return out;
}

/**
 * The rows of `blocks`. `lastSeq` maps an address (hex) to its last seq_num, absent when it has
 * none; it is advanced in place.
 */
export function buildRows(blocks: readonly BlockWithReceipt[], histories: ReturnType<typeof blockHistory>[], lastSeq: Map<string, bigint>): BlockRows {
  const rows: BlockRows = { blocks: [], records: [], entries: [] };
  blocks.forEach(({ block }, i) => {
    const height = block.header?.height ?? 0n;
    rows.blocks.push({ height, id: block.id });
    for (const r of histories[i]!) {
      rows.records.push({ position: r.position, height, kind: r.kind, record: r.record });
      for (const address of r.impacted) {
        const key = toHex(address);
        const seqNum = (lastSeq.get(key) ?? -1n) + 1n;
        lastSeq.set(key, seqNum);
        rows.entries.push({ address, seqNum, position: r.position, height });
      }
    }
  });
  return rows;
}
