/**
 * The durable half of `cairn dev --data DIR`: a journal (`DIR/journal`) and snapshot files
 * (`DIR/snapshots`) that are the source of truth, from which the in-memory stores are rebuilt at
 * start — the latest snapshot's dumps, then the journal entries after its position replayed.
 *
 * Every journaled effect goes through {@link DevDataStore.record}: the entry is appended (and
 * fsynced, shared with concurrent appends), then the effect runs (the bus takes the transaction,
 * the block store the block). {@link DevDataStore.quiesce} holds new records back and waits for
 * those under way, so a snapshot sees every entry up to its position applied and none after it.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Logger } from "@cairn/core";
import { type Journal, latestSnapshotFile, openJournal, writeSnapshotFile } from "@cairn/journal";
import { type ControlState, type JournalEntry, decodeControls, decodeEntry, encodeControls, encodeEntry } from "./records.ts";

/** The snapshot part holding the dev controls' state. */
const CONTROLS_PART = "controls";

/** The snapshot the stores start from: its journal position and the controls' state it holds. */
export interface DevSnapshot {
  position: number;
  controls: ControlState | undefined;
}

export interface DevDataStore {
  readonly dir: string;
  readonly journal: Journal;
  /** The snapshot the stores start from (the latest at open, or the last one written); undefined on a fresh directory. */
  readonly base: DevSnapshot | undefined;
  /**
   * The store dumps of the snapshot read at open (empty on a fresh directory), handed over once:
   * the store keeps no reference to them after, as they are the size of the snapshot file.
   */
  takeBaseParts(): Map<string, Uint8Array>;
  /** Entries after the base snapshot's position, in order. */
  tail(): Generator<{ seq: number; entry: JournalEntry }>;
  /**
   * Journals `entry` (resolving once it is durable), then runs `effect`; resolves with its
   * result. Waits first while {@link quiesce} holds records back. `deferSync`: the effect runs
   * once the entry is appended, before it is durable (a batch that {@link flush} ends).
   */
  record<T>(entry: JournalEntry, effect: () => T | Promise<T>, options?: { deferSync?: boolean }): Promise<T>;
  /** Resolves once every entry appended so far is durable. */
  flush(): Promise<void>;
  /**
   * Holds new records back, waits for those under way (appended and applied) and for `settled()`
   * (e.g. the bus consumers caught up), then runs `fn` with the journal position everything up
   * to is applied; records resume when it returns. Resolves undefined without running `fn` when
   * `settled()` stays false for {@link SETTLE_LIMIT_MS}.
   */
  quiesce<T>(settled: () => boolean, fn: (position: number) => T | Promise<T>): Promise<T | undefined>;
  /** Writes a snapshot at `position` (atomically), makes it the base, drops journal segments no kept snapshot needs. */
  writeSnapshot(position: number, parts: Map<string, Uint8Array>, controls: ControlState): Promise<void>;
  /** Waits for pending appends, closes the journal. */
  close(): Promise<void>;
}

/** Longest a quiesce waits for `settled()`, ms. */
const SETTLE_LIMIT_MS = 5_000;

export async function openDevDataStore(dataDir: string, logger: Logger): Promise<DevDataStore> {
  const dir = resolve(dataDir);
  const snapshotsDir = join(dir, "snapshots");
  mkdirSync(snapshotsDir, { recursive: true });
  const file = latestSnapshotFile(snapshotsDir, (path, err) => logger.error({ path, err: String(err) }, "snapshot unreadable, using an older one"));
  let base: DevSnapshot | undefined = file && { position: file.position, controls: file.parts.has(CONTROLS_PART) ? decodeControls(file.parts.get(CONTROLS_PART)!) : undefined };
  let baseParts: Map<string, Uint8Array> | undefined = new Map([...(file?.parts ?? [])].filter(([name]) => name !== CONTROLS_PART));
  const journal = await openJournal(join(dir, "journal"), { minLastSeq: base?.position ?? 0 });
  if (journal.recovery.truncatedBytes > 0) {
    logger.warn({ bytes: journal.recovery.truncatedBytes, why: journal.recovery.truncatedBecause }, "journal: cut a torn tail (a write the stop interrupted, never acknowledged)");
  }

  let held: Promise<void> | undefined;
  let inFlight = 0;
  let lastAppend: Promise<number> | undefined;
  let drained: (() => void) | undefined;

  return {
    dir,
    journal,
    get base() {
      return base;
    },
    takeBaseParts() {
      if (baseParts === undefined) throw new Error("the base snapshot's parts were taken already");
      const parts = baseParts;
      baseParts = undefined;
      return parts;
    },
    *tail() {
      for (const r of journal.read((base?.position ?? 0) + 1)) yield { seq: r.seq, entry: decodeEntry(r.data) };
    },
    async record(entry, effect, options) {
      while (held) await held;
      inFlight++;
      try {
        const appended = journal.append(encodeEntry(entry));
        lastAppend = appended;
        // A deferred append's failure surfaces at the flush (and fails every later append).
        if (options?.deferSync) appended.catch(() => undefined);
        else await appended;
        return await effect();
      } finally {
        if (--inFlight === 0) drained?.();
      }
    },
    async flush() {
      await lastAppend;
    },
    async quiesce(settled, fn) {
      while (held) await held;
      let release!: () => void;
      held = new Promise<void>((r) => (release = r));
      try {
        if (inFlight > 0) await new Promise<void>((r) => (drained = r));
        drained = undefined;
        const deadline = Date.now() + SETTLE_LIMIT_MS;
        while (!settled()) {
          if (Date.now() > deadline) return undefined;
          await Bun.sleep(1);
        }
        return await fn(journal.lastSeq);
      } finally {
        held = undefined;
        release();
      }
    },
    async writeSnapshot(position, parts, controls) {
      const all = new Map(parts);
      all.set(CONTROLS_PART, encodeControls(controls));
      const { oldestKept } = await writeSnapshotFile(snapshotsDir, position, all);
      base = { position, controls };
      // New appends start a new segment; segments wholly before the oldest kept snapshot go.
      journal.rotate();
      await journal.removeBefore(oldestKept + 1);
    },
    async close() {
      await journal.close();
    },
  };
}
