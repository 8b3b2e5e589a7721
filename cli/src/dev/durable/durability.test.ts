/** Opening a data directory whose checkpoint is of an older dump format: read, then rewritten in the current one. */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@cairn/core";
import { latestSnapshotFile } from "@cairn/journal";
import { type MemoryStoresDump, dumpMemoryStores, emptyMemoryStores } from "../memory-storage.ts";
import { openDevDataStore } from "./data-store.ts";
import { openDevDurability } from "./durability.ts";
import type { ControlState } from "./records.ts";
import { DUMP_FORMAT, dumpFormatOf, dumpToParts } from "./stores.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const controls: ControlState = { offsetMs: 0n, pinned: undefined, mode: "manual", intervalMs: 3000 };

test("a checkpoint of an older dump format is due at once (and at a clean stop), and the one written is of this build's", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-dev-durability-"));
  dirs.push(dir);
  // A directory as the first format left it: format 1 dumps, no format part.
  const v1 = dumpToParts({
    ...dumpMemoryStores(emptyMemoryStores()),
    chain: { version: 1, meta: undefined, state: [], reversible: [], lib: undefined, irreversible: [] },
    blockStore: { version: 1, blocks: [], receipts: [], committed: [], progress: -1 },
    accountHistory: { version: 1, head: { id: new Uint8Array(34), height: 0n }, lib: 0n, blocks: [], recordBytes: new Uint8Array(), recordLengths: [], recordKinds: [], recordHeights: [], recordPositions: [], entries: [] },
  } as unknown as MemoryStoresDump);
  v1.delete("format");
  const old = await openDevDataStore(dir, silentLogger());
  await old.writeSnapshot(0, v1, controls);
  await old.close();

  const d = await openDevDurability(dir, { checkpointBlocks: 500 }, silentLogger(), () => controls);
  expect(d.checkpointDue()).toBe(true);
  expect(d.hasNew()).toBe(true);
  expect(await d.checkpoint(controls, () => true)).toBe(true);
  expect(d.checkpointDue()).toBe(false);
  expect(d.hasNew()).toBe(false);
  await d.close();
  expect(dumpFormatOf(latestSnapshotFile(join(dir, "snapshots"))!.parts)).toBe(DUMP_FORMAT);

  // Started again on this build's checkpoint: nothing due.
  const again = await openDevDurability(dir, { checkpointBlocks: 500 }, silentLogger(), () => controls);
  expect(again.checkpointDue()).toBe(false);
  expect(again.hasNew()).toBe(false);
  await again.close();
});
