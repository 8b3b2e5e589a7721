/**
 * What keeps a `cairn dev` data directory safe:
 *
 * - a lock file (`<data>/cairn-dev.lock`: pid, start time, URL), created exclusively, so a second
 *   node on the same directory fails at once naming the first instead of both writing one journal
 *   (which loses one node's blocks). A lock whose process is gone is taken over.
 * - a record of the flags the chain was created with (`<data>/cairn-dev.json`: seed, accounts,
 *   balance, KOIN address, chain id), so a restart with other genesis flags is refused with the
 *   flags that changed and the ways out, before any database is opened.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CairnError, ErrorStatus, toHex } from "@cairn/core";

/** Error codes of the data directory checks. */
export const DataDirErrorCode = {
  Locked: "dev.data_dir_locked",
  GenesisMismatch: "dev.genesis_mismatch",
} as const;

/** What the lock file holds. */
export interface LockInfo {
  pid: number;
  /** ISO time the holder started. */
  startedAt: string;
  /** The holder's JSON-RPC URL, once known. */
  url?: string;
}

const LOCK_FILE = "cairn-dev.lock";
/** Locks this process holds (a second node in the same process is refused too). */
const heldHere = new Set<string>();
const RECORD_FILE = "cairn-dev.json";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(path, "utf8")) as LockInfo;
    return typeof v.pid === "number" ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A held lock. */
export interface DataDirLock {
  readonly path: string;
  /** Records the URL the node serves (shown to a second node). */
  update(info: Partial<LockInfo>): void;
  /** Removes the lock file (only if it is still ours). */
  release(): void;
}

/** Takes the lock of `dir` for this process; throws `dev.data_dir_locked` naming the holder. */
export function lockDataDir(dir: string, now = new Date()): DataDirLock {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const path = join(abs, LOCK_FILE);
  let info: LockInfo = { pid: process.pid, startedAt: now.toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      heldHere.add(path);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw e;
      const holder = readLock(path);
      const held = holder !== undefined && (holder.pid === process.pid ? heldHere.has(path) : alive(holder.pid));
      if (holder && held) {
        const at = holder.url ? `, serving ${holder.url}` : "";
        throw new CairnError(
          DataDirErrorCode.Locked,
          `data directory ${abs} is in use by another cairn dev (pid ${holder.pid}, started ${holder.startedAt}${at}). ` +
            `Stop it, or run this one with --memory or another --data directory. (If no such process is running, delete ${path}.)`,
          { status: ErrorStatus.FailedPrecondition, data: { dir: abs, pid: holder.pid, startedAt: holder.startedAt } },
        );
      }
      // Left by a process that is gone (or unreadable): take it over.
      rmSync(path, { force: true });
    }
  }
  return {
    path,
    update(more) {
      info = { ...info, ...more };
      if (readLock(path)?.pid === process.pid) writeFileSync(path, JSON.stringify(info));
    },
    release() {
      if (!heldHere.delete(path)) return;
      if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
    },
  };
}

/** The flags that decide the dev genesis (and so the chain id). */
export interface GenesisFlags {
  seed: string;
  accounts: number;
  balance: number;
  koinAddress: string;
}

interface GenesisRecord extends GenesisFlags {
  chainId: string;
  createdAt: string;
}

const FLAG_NAMES: Record<keyof GenesisFlags, string> = { seed: "--seed", accounts: "--accounts", balance: "--balance", koinAddress: "--koin-address" };

/** The message for a directory whose chain was made with other genesis flags. */
export function genesisMismatchMessage(dir: string, changes: readonly string[]): string {
  const what = changes.length > 0 ? `its chain was created with ${changes.join(", ")}` : "its chain was created from another genesis";
  return (
    `data directory ${resolve(dir)} holds another chain: ${what}. ` +
    `Either run with --memory (a throwaway chain, nothing on disk), or give a fresh --data directory` +
    `${changes.length > 0 ? ", or start with the original flags to resume that chain" : ""}.`
  );
}

/**
 * Compares `flags` with those `dir`'s chain was created with; throws `dev.genesis_mismatch`
 * listing each changed flag (`--accounts 10 (now 5)`). A directory without a record passes.
 */
export function checkGenesisFlags(dir: string, flags: GenesisFlags): void {
  const path = join(resolve(dir), RECORD_FILE);
  if (!existsSync(path)) return;
  let record: GenesisRecord;
  try {
    record = JSON.parse(readFileSync(path, "utf8")) as GenesisRecord;
  } catch {
    return;
  }
  const changes = (Object.keys(FLAG_NAMES) as (keyof GenesisFlags)[])
    .filter((k) => record[k] !== undefined && record[k] !== flags[k])
    .map((k) => `${FLAG_NAMES[k]} ${JSON.stringify(record[k])} (now ${JSON.stringify(flags[k])})`);
  if (changes.length > 0) {
    throw new CairnError(DataDirErrorCode.GenesisMismatch, genesisMismatchMessage(dir, changes), { status: ErrorStatus.FailedPrecondition, data: { dir: resolve(dir), changes } });
  }
}

/** Writes the record of the flags `dir`'s chain was created with (once; later runs keep the first). */
export function recordGenesisFlags(dir: string, flags: GenesisFlags, chainId: Uint8Array): void {
  const path = join(resolve(dir), RECORD_FILE);
  if (existsSync(path)) return;
  const record: GenesisRecord = { ...flags, chainId: `0x${toHex(chainId)}`, createdAt: new Date().toISOString() };
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
}
