/**
 * Snapshot files next to a journal: named parts (bytes) taken at a journal position, written
 * atomically — a temporary file, fsync, rename, fsync of the directory — so a crash leaves either
 * the old set of snapshots or the new one, never half a file under a snapshot's name. Each file
 * carries a CRC-32 of its contents; the newest file that checks out is the one loaded, and the
 * newest few are kept so one bad file never leaves the journal without a base.
 *
 * Layout: magic `CAIRNSN1`, u32 CRC-32 of the rest, u64 position, u32 part count, then per part
 * u32 name length, name (UTF-8), u64 data length, data. Little-endian.
 */
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import { join, resolve } from "node:path";

const MAGIC = new TextEncoder().encode("CAIRNSN1");
const PREFIX = "snapshot-";
const SUFFIX = ".snap";

/** A snapshot read back. */
export interface SnapshotFile {
  path: string;
  /** The journal position it was taken at: records after it are replayed on top. */
  position: number;
  parts: Map<string, Uint8Array>;
}

function snapshotName(position: number): string {
  return `${PREFIX}${String(position).padStart(20, "0")}${SUFFIX}`;
}

/** Snapshot files of `dir`, newest first. */
function listSnapshots(dir: string): { position: number; path: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, m: /^snapshot-(\d{20})\.snap$/.exec(name) }))
    .filter((x) => x.m !== null)
    .map((x) => ({ position: Number(x.m![1]), path: join(dir, x.name) }))
    .sort((a, b) => b.position - a.position);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes the snapshot at `position` into `dir` atomically and keeps the newest `keep` (default 2);
 * resolves with its path and the position of the oldest snapshot kept (the journal must keep every
 * record after it). The writes and fsyncs run on the thread pool, not blocking the event loop.
 */
export async function writeSnapshotFile(dir: string, position: number, parts: ReadonlyMap<string, Uint8Array>, keep = 2): Promise<{ path: string; oldestKept: number }> {
  const root = resolve(dir);
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const head = new Uint8Array(12);
  new DataView(head.buffer).setBigUint64(0, BigInt(position), true);
  new DataView(head.buffer).setUint32(8, parts.size, true);
  chunks.push(head);
  for (const [name, data] of parts) {
    const n = encoder.encode(name);
    const h = new Uint8Array(4 + n.length + 8);
    const v = new DataView(h.buffer);
    v.setUint32(0, n.length, true);
    h.set(n, 4);
    v.setBigUint64(4 + n.length, BigInt(data.length), true);
    chunks.push(h, data);
  }
  let crc = 0;
  for (const c of chunks) crc = Bun.hash.crc32(c, crc);
  const prefix = new Uint8Array(12);
  prefix.set(MAGIC);
  new DataView(prefix.buffer).setUint32(8, crc, true);

  const path = join(root, snapshotName(position));
  const tmp = `${path}.tmp-${process.pid}`;
  const handle = await open(tmp, "w");
  try {
    for (const c of [prefix, ...chunks]) {
      let at = 0;
      while (at < c.length) at += (await handle.write(c, at, c.length - at)).bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  await syncDir(root);
  const all = listSnapshots(root);
  for (const old of all.slice(keep)) rmSync(old.path, { force: true });
  const kept = all.slice(0, keep);
  return { path, oldestKept: kept.at(-1)?.position ?? position };
}

/** Reads one snapshot file; throws when it is not whole. */
export function readSnapshotFile(path: string): SnapshotFile {
  const bytes = readFileSync(path);
  if (bytes.length < 24 || !MAGIC.every((b, i) => bytes[i] === b)) throw new Error(`${path} is not a snapshot file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (Bun.hash.crc32(bytes.subarray(12)) !== view.getUint32(8, true)) throw new Error(`${path} fails its checksum`);
  const position = Number(view.getBigUint64(12, true));
  const count = view.getUint32(20, true);
  const decoder = new TextDecoder();
  const parts = new Map<string, Uint8Array>();
  let at = 24;
  for (let i = 0; i < count; i++) {
    const nameLength = view.getUint32(at, true);
    const name = decoder.decode(bytes.subarray(at + 4, at + 4 + nameLength));
    at += 4 + nameLength;
    const length = Number(view.getBigUint64(at, true));
    at += 8;
    parts.set(name, bytes.subarray(at, at + length));
    at += length;
  }
  return { path, position, parts };
}

/**
 * The newest snapshot of `dir` that reads back whole, or undefined when there is none;
 * `onSkipped` hears of each newer file that did not (and is passed over).
 */
export function latestSnapshotFile(dir: string, onSkipped?: (path: string, err: unknown) => void): SnapshotFile | undefined {
  for (const s of listSnapshots(resolve(dir))) {
    try {
      return readSnapshotFile(s.path);
    } catch (e) {
      onSkipped?.(s.path, e);
    }
  }
  return undefined;
}

/** Deletes every snapshot file of `dir` (and leftover temporary files). */
export function removeSnapshotFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(resolve(dir));
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith(PREFIX)) rmSync(join(resolve(dir), name), { force: true });
}
