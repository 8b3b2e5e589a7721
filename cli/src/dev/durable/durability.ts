/**
 * `cairn dev --data DIR` made durable without a database: the services run on memory stores
 * (stores.ts), the journal and snapshots under DIR are the source of truth (data-store.ts).
 *
 * - Start: the stores are rebuilt from the latest snapshot, the services start on them, and the
 *   journal entries after the snapshot are replayed before the producer starts — blocks through
 *   the chain (which re-applies them, hands them to the block store and publishes their events,
 *   so mempool and account history follow as they did the first time), transaction accepts onto
 *   the bus (the mempool takes them back; a later block entry removes those it included), control
 *   changes onto the clock and the production mode.
 * - Running: transaction accepts and blocks are journaled before they are acknowledged or seen
 *   (journaled.ts); a checkpoint (a snapshot of every store at a quiet point, written atomically)
 *   is taken when enough has been journaled since the last one, and at a clean stop.
 * - Dev controls: `dev.snapshot` keeps the stores' dumps in memory; `dev.revert` and `dev.reset`
 *   rebuild the stores from a dump (or empty) and make that the new base snapshot at once, so a
 *   restart never replays the blocks they abandoned.
 */
import type { Logger } from "@cairn/core";
import { type EventBus, Subjects } from "@cairn/bus";
import type { BlockSink } from "@cairn/block-store/client";
import type { ChainUnit } from "@cairn/chain";
import type { BlockProducer } from "@cairn/block-producer";
import { type DevDataStore, openDevDataStore } from "./data-store.ts";
import { journaledBlockSink, journaledBus } from "./journaled.ts";
import type { ControlState } from "./records.ts";
import type { MemoryStores } from "../memory-storage.ts";
import type { DevSnapshot, DevSnapshots, DevStorage, DevStores } from "../storage.ts";
import { memoryStoresFromParts, memoryStoresToParts, olderDumpFormat } from "./stores.ts";

/** Journal entries since the base snapshot after which a checkpoint is due. */
export const CHECKPOINT_ENTRIES = 20_000;

export interface DevDurabilityOptions {
  /** Blocks since the base snapshot after which a checkpoint is due (each costs a re-application at start). */
  checkpointBlocks: number;
}

/** A `dev.snapshot`: the stores' dumps as snapshot parts, kept in memory (snapshots do not outlive the node). */
export interface JournalSnapshot extends DevSnapshot {
  parts: Map<string, Uint8Array>;
}

/** What replay did. */
export interface ReplayReport {
  blocks: number;
  transactions: number;
  controls: number;
  ms: number;
}

export interface DevDurability {
  readonly data: DevDataStore;
  /**
   * The services' data: the memory stores (replaced by revert and reset); its snapshots keep
   * dumps in memory, and a restore or wipe makes the result the directory's new checkpoint.
   */
  readonly storage: DevStorage;
  /** The controls' state at the base snapshot, if it recorded one. */
  readonly baseControls: ControlState | undefined;
  /** The in-process bus with transaction accepts journaled. */
  wrapBus(inner: EventBus): EventBus;
  /** The block store with blocks journaled before the chain commits them. */
  wrapBlockSink(sink: BlockSink): BlockSink;
  /** Replays the journal after the base into freshly started services (nothing is journaled again). */
  replay(services: { chain: ChainUnit; producer: BlockProducer; bus: EventBus }, applyControls: (state: ControlState) => void, observeBlock: (timestamp: bigint) => void): Promise<ReplayReport>;
  /**
   * Runs `fn` (producing many blocks) with block fsyncs shared: its blocks are appended as they
   * come and are all durable when this resolves, not each before the next.
   */
  batch<T>(fn: () => Promise<T>): Promise<T>;
  /** Journals the controls' state after a control changed it. */
  recordControls(state: ControlState, options?: { deferSync?: boolean }): Promise<void>;
  /** True when enough has been journaled since the base for a checkpoint to pay, or the base is of an older dump format. */
  checkpointDue(): boolean;
  /** True when anything was journaled since the base (or the base is of an older dump format: a clean stop rewrites it). */
  hasNew(): boolean;
  /**
   * Writes a snapshot of the stores at a quiet point (no record under way, `settled()`: the bus
   * consumers caught up); the caller has paused block production. Resolves false when the bus did
   * not settle (nothing written; the journal still has everything). `dumped` is called as soon as
   * the dumps are taken (production may resume while the file is written).
   */
  checkpoint(controls: ControlState, settled: () => boolean, dumped?: () => void): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens the data directory; `controls()` gives the controls' state a revert or reset records with
 * its checkpoint.
 */
export async function openDevDurability(dataDir: string, options: DevDurabilityOptions, logger: Logger, controls: () => ControlState): Promise<DevDurability> {
  const log = logger.child({ module: "dev-data" });
  const data = await openDevDataStore(dataDir, log);
  const loadStart = performance.now();
  const baseParts = data.takeBaseParts();
  let stores: MemoryStores = memoryStoresFromParts(baseParts);
  // A checkpoint of an older dump format loads slower every start: the next checkpoint (due at once) rewrites it.
  let olderFormat = olderDumpFormat(baseParts);
  if (data.base) log.info({ position: data.base.position, ms: Math.round(performance.now() - loadStart), olderFormat }, "stores loaded from snapshot");
  let replaying = false;
  let batching = 0;
  let blocksSinceBase = 0;
  let entriesAtBase = data.base?.position ?? 0;
  const sinkCounted = (sink: BlockSink): BlockSink => ({
    async addBlock(block, receipt) {
      await sink.addBlock(block, receipt);
      blocksSinceBase++;
    },
  });

  async function rebase(parts: Map<string, Uint8Array>, controls: ControlState): Promise<void> {
    const position = data.journal.lastSeq;
    await data.writeSnapshot(position, parts, controls);
    entriesAtBase = position;
    blocksSinceBase = 0;
    olderFormat = false;
  }

  const snapshots: DevSnapshots<JournalSnapshot> = {
    async take(id) {
      return { id, parts: memoryStoresToParts(stores) };
    },
    async restore(snapshot) {
      stores = memoryStoresFromParts(snapshot.parts);
      await rebase(snapshot.parts, controls());
    },
    async wipe() {
      stores = memoryStoresFromParts(new Map());
      await rebase(new Map(), controls());
    },
    async drop() {},
    async dropAll() {},
  };
  const storage: DevStorage = {
    kind: "memory",
    stores(): DevStores {
      return { chain: { store: stores.chain }, blockStore: { store: stores.blockStore }, mempool: { store: stores.mempool }, accountHistory: { store: stores.accountHistory } };
    },
    snapshots: snapshots as DevSnapshots,
    close: async () => undefined,
  };

  return {
    data,
    storage,
    get baseControls() {
      return data.base?.controls;
    },
    wrapBus: (inner) => journaledBus(inner, data, () => replaying),
    wrapBlockSink: (sink) => sinkCounted(journaledBlockSink(sink, data, () => replaying, () => batching > 0)),
    async batch(fn) {
      batching++;
      try {
        return await fn();
      } finally {
        batching--;
        await data.flush();
      }
    },
    async replay({ chain, bus }, applyControls, observeBlock) {
      const report: ReplayReport = { blocks: 0, transactions: 0, controls: 0, ms: 0 };
      const t0 = performance.now();
      replaying = true;
      try {
        for (const { seq, entry } of data.tail()) {
          if (entry.kind === "transaction") {
            await bus.publish(Subjects.transactionAccept, entry.accepted);
            report.transactions++;
          } else if (entry.kind === "block") {
            try {
              await chain.chain.submitBlock(entry.block);
            } catch (e) {
              throw new Error(`journal entry ${seq}: block ${entry.block.header?.height ?? "?"} does not apply on the state before it: ${(e as Error).message}`, { cause: e });
            }
            if (entry.block.header) observeBlock(entry.block.header.timestamp);
            report.blocks++;
          } else {
            applyControls(entry.state);
            report.controls++;
          }
        }
      } finally {
        replaying = false;
      }
      report.ms = Math.round(performance.now() - t0);
      if (report.blocks + report.transactions + report.controls > 0) log.info(report, "journal replayed");
      return report;
    },
    async recordControls(state, options) {
      await data.record({ kind: "controls", state }, () => undefined, options);
    },
    checkpointDue() {
      return olderFormat || blocksSinceBase >= options.checkpointBlocks || data.journal.lastSeq - entriesAtBase >= CHECKPOINT_ENTRIES;
    },
    hasNew() {
      return olderFormat || data.journal.lastSeq > entriesAtBase;
    },
    async checkpoint(controls, settled, dumpedCallback) {
      const t0 = performance.now();
      const taken = await data.quiesce(settled, (position) => ({ position, parts: memoryStoresToParts(stores) }));
      dumpedCallback?.();
      if (!taken) {
        log.warn({}, "checkpoint skipped: the bus did not settle");
        return false;
      }
      const dumped = performance.now();
      await data.writeSnapshot(taken.position, taken.parts, controls);
      entriesAtBase = taken.position;
      blocksSinceBase = 0;
      olderFormat = false;
      log.info({ position: taken.position, dumpMs: Math.round(dumped - t0), writeMs: Math.round(performance.now() - dumped) }, "checkpoint written");
      return true;
    },
    close: () => data.close(),
  };
}
