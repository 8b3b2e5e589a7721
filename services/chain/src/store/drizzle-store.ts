/** ChainStore on Postgres or PGlite through drizzle-orm. */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { PgDatabase } from "drizzle-orm/pg-core";
import { toHex } from "@cairn/core";
import { protocol } from "@cairn/proto";
import type { ForkTreeEntry } from "../fork-tree.ts";
import { NO_CHANGES, stateKey, type StateChange, type StateEntry } from "../state/state.ts";
import { blocks, chainMeta, stateObjects } from "./schema.ts";
import type { BlockCommit, ChainMeta, ChainStore, LoadedChain } from "./store.ts";

// biome-ignore lint/suspicious/noExplicitAny: drizzle's database type is generic over the driver.
type Db = PgDatabase<any, any, any>;

const META_KEYS = { chainId: "chain_id", genesisRoot: "genesis_root", headId: "head_id", libId: "lib_id" } as const;
/** Rows per multi-row INSERT (stays far below Postgres's 65535 parameters). */
const BATCH = 1000;

export class DrizzleChainStore implements ChainStore {
  constructor(private readonly db: Db) {}

  async load(): Promise<LoadedChain> {
    const metaRows = await this.db.select().from(chainMeta);
    const m = new Map(metaRows.map((r) => [r.key, r.value]));
    const meta: ChainMeta | undefined = m.has(META_KEYS.chainId)
      ? { chainId: m.get(META_KEYS.chainId)!, genesisRoot: m.get(META_KEYS.genesisRoot)!, headId: m.get(META_KEYS.headId)!, libId: m.get(META_KEYS.libId)! }
      : undefined;
    const state: StateEntry[] = (await this.db.select().from(stateObjects)).map((r) => ({
      space: protocol.ObjectSpace.fromPartial({ system: r.system, zone: r.zone, id: r.spaceId }),
      key: r.key,
      value: r.value,
    }));
    const rows = meta ? await this.db.select().from(blocks).where(eq(blocks.reversible, true)) : [];
    const libRow = meta ? (await this.db.select().from(blocks).where(eq(blocks.id, meta.libId)))[0] : undefined;
    const all = libRow && !rows.some((r) => toHex(r.id) === toHex(libRow.id)) ? [...rows, libRow] : rows;
    const nodes: ForkTreeEntry[] = all.map((r) => ({
      id: r.id,
      idHex: toHex(r.id),
      height: r.height,
      previous: r.previous,
      previousHex: toHex(r.previous),
      timestamp: r.timestamp,
      stateRoot: r.stateRoot,
      changes: r.changes ?? NO_CHANGES,
      undo: r.undo ?? NO_CHANGES,
      block: r.block ? protocol.Block.decode(r.block) : undefined,
      receipt: r.receipt ? protocol.BlockReceipt.decode(r.receipt) : undefined,
    }));
    return { meta, state, blocks: nodes };
  }

  async initGenesis(meta: ChainMeta, state: StateEntry[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.writeState(tx, state.map((e) => ({ ...e })));
      await tx.insert(chainMeta).values([
        { key: META_KEYS.chainId, value: meta.chainId },
        { key: META_KEYS.genesisRoot, value: meta.genesisRoot },
        { key: META_KEYS.headId, value: meta.headId },
        { key: META_KEYS.libId, value: meta.libId },
      ]);
    });
  }

  async commit(c: BlockCommit): Promise<void> {
    const n = c.block;
    await this.db.transaction(async (tx) => {
      await tx
        .insert(blocks)
        .values({
          id: n.id,
          height: n.height,
          previous: n.previous,
          timestamp: n.timestamp,
          stateRoot: n.stateRoot,
          reversible: true,
          block: n.block ? protocol.Block.encode(n.block).finish() : null,
          receipt: n.receipt ? protocol.BlockReceipt.encode(n.receipt).finish() : null,
          changes: n.changes,
          undo: n.undo,
        })
        .onConflictDoNothing();
      if (c.stateChanges.length > 0) await this.writeState(tx, c.stateChanges);
      if (c.headId) await this.setMeta(tx, META_KEYS.headId, c.headId);
      if (c.libId) await this.setMeta(tx, META_KEYS.libId, c.libId);
      for (let i = 0; i < c.removed.length; i += BATCH) await tx.delete(blocks).where(inArray(blocks.id, c.removed.slice(i, i + BATCH)));
      for (let i = 0; i < c.irreversible.length; i += BATCH) {
        await tx
          .update(blocks)
          .set({ reversible: false, block: null, receipt: null, changes: null, undo: null })
          .where(inArray(blocks.id, c.irreversible.slice(i, i + BATCH)));
      }
    });
  }

  async blockIdAtHeight(height: bigint): Promise<Uint8Array | undefined> {
    const rows = await this.db.select({ id: blocks.id }).from(blocks).where(and(eq(blocks.height, height), eq(blocks.reversible, false)));
    return rows[0]?.id;
  }

  async reset(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(stateObjects);
      await tx.delete(blocks);
      await tx.delete(chainMeta);
    });
  }

  private async setMeta(tx: Db, key: string, value: Uint8Array): Promise<void> {
    await tx.insert(chainMeta).values({ key, value }).onConflictDoUpdate({ target: chainMeta.key, set: { value } });
  }

  /** Applies changes to the persisted head state: the last change of each key wins. */
  private async writeState(tx: Db, changes: StateChange[]): Promise<void> {
    const last = new Map<string, StateChange>();
    for (const c of changes) last.set(stateKey(c.space, c.key), c);
    const puts: { system: boolean; zone: Uint8Array; spaceId: number; key: Uint8Array; value: Uint8Array }[] = [];
    for (const c of last.values()) {
      if (c.value === undefined) {
        await tx
          .delete(stateObjects)
          .where(and(eq(stateObjects.system, c.space.system), eq(stateObjects.zone, c.space.zone), eq(stateObjects.spaceId, c.space.id), eq(stateObjects.key, c.key)));
      } else {
        puts.push({ system: c.space.system, zone: c.space.zone, spaceId: c.space.id, key: c.key, value: c.value });
      }
    }
    for (let i = 0; i < puts.length; i += BATCH) {
      await tx
        .insert(stateObjects)
        .values(puts.slice(i, i + BATCH))
        .onConflictDoUpdate({ target: [stateObjects.system, stateObjects.zone, stateObjects.spaceId, stateObjects.key], set: { value: sql`excluded.value` } });
    }
  }
}
