import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { latestSnapshotFile, readSnapshotFile, removeSnapshotFiles, writeSnapshotFile } from "./snapshot-file.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cairn-snapshot-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const parts = (...entries: [string, string][]) => new Map(entries.map(([k, v]) => [k, new TextEncoder().encode(v)]));
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

test("a snapshot reads back with its position and parts; the newest two are kept", async () => {
  const dir = tempDir();
  expect(latestSnapshotFile(dir)).toBeUndefined();
  await writeSnapshotFile(dir, 10, parts(["chain", "c10"], ["blocks", ""]));
  await writeSnapshotFile(dir, 20, parts(["chain", "c20"]));
  const third = await writeSnapshotFile(dir, 30, parts(["chain", "c30"], ["mempool", "m"]));
  expect(third.oldestKept).toBe(20);
  expect(readdirSync(dir).sort()).toEqual(["snapshot-00000000000000000020.snap", "snapshot-00000000000000000030.snap"]);
  const latest = latestSnapshotFile(dir)!;
  expect(latest.position).toBe(30);
  expect([...latest.parts.keys()]).toEqual(["chain", "mempool"]);
  expect(text(latest.parts.get("chain"))).toBe("c30");
  expect(readSnapshotFile(join(dir, "snapshot-00000000000000000020.snap")).parts.get("chain")).toEqual(new TextEncoder().encode("c20"));
});

test("a damaged newest snapshot is passed over for the one before it", async () => {
  const dir = tempDir();
  await writeSnapshotFile(dir, 1, parts(["s", "first"]));
  const { path } = await writeSnapshotFile(dir, 2, parts(["s", "second"]));
  const data = readFileSync(path);
  data[data.length - 1]! ^= 1;
  writeFileSync(path, data);
  const skipped: string[] = [];
  const latest = latestSnapshotFile(dir, (p, e) => skipped.push(`${p}: ${(e as Error).message}`));
  expect(latest?.position).toBe(1);
  expect(skipped).toEqual([`${path}: ${path} fails its checksum`]);
});

test("removeSnapshotFiles empties the directory of snapshots (and leftover temporaries)", async () => {
  const dir = tempDir();
  await writeSnapshotFile(dir, 5, parts(["a", "b"]));
  writeFileSync(join(dir, "snapshot-00000000000000000006.snap.tmp-1"), "half");
  writeFileSync(join(dir, "other"), "kept");
  removeSnapshotFiles(dir);
  expect(readdirSync(dir)).toEqual(["other"]);
});
