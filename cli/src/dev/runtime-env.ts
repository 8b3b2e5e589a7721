/**
 * The dev node's runtime settings for its memory target (architecture §9: ≤ 300 MB resident after
 * 100,000 transfers). JavaScriptCore lets its heap grow in proportion to the machine's RAM: on a
 * machine of 24 GB a heap under 6 GB doubles before the next full collection, so a burst of
 * transfers left hundreds of MB of garbage resident (639 MB right after the run, 397 MB after one
 * full collection). `BUN_JSC_forceRAMSize` makes it size the heap for a smaller machine: here
 * 384 MiB, so past 96 MB the heap grows by 1.5× and past 192 MB by 1.24× between full collections.
 * `MIMALLOC_PURGE_DELAY=0` has the allocator (mimalloc 3.5 in Bun 1.4.4) give freed pages back to
 * the system at once instead of after 100 ms. Measured side by side on one machine (100,000
 * transfers, bench/transfers.bench.ts's load): RSS after the run 643 → 340 MB, CPU per transfer
 * +5–7%; a 256 MiB size gave about the same RSS (334 MB) for 17% fewer transfers/s, 512 MiB 449 MB
 * for +1.5% CPU. `BUN_JSC_*` options are not a stable interface of Bun: an unknown one stops the
 * process at start, so a Bun upgrade (package.json pins 1.4.4) must check that this one still exists.
 *
 * The runtime reads both once, when the process starts, so `cairn dev` sets them for itself by
 * replacing its process image with the same command (execve: the same process id, stdio and
 * arguments, so `bun run dev`, a supervisor or a benchmark watching the process see one process).
 * A value already in the environment is kept as it is: the way to give the node another setting,
 * or the runtime's own (`BUN_JSC_forceRAMSize` set to the machine's RAM).
 */
import { totalmem } from "node:os";

/** The RAM size the dev node's heap is sized for, bytes. */
export const DEV_RAM_SIZE_BYTES = 384 * 1024 * 1024;

/** The variable JavaScriptCore (through Bun's `BUN_JSC_` prefix) reads. */
export const RAM_SIZE_VARIABLE = "BUN_JSC_forceRAMSize";

/** The allocator's (mimalloc's) delay before freed memory goes back to the system, ms. */
export const PURGE_DELAY_VARIABLE = "MIMALLOC_PURGE_DELAY";

/** The C library holding execve, by platform; none where the dev node does not re-exec. */
const LIBC: Partial<Record<NodeJS.Platform, string>> = { linux: "libc.so.6", darwin: "/usr/lib/libSystem.B.dylib" };

/**
 * The variables the dev node wants that `env` lacks: none when `env` already has them (the
 * process was started with them, or re-executed already); no RAM size on a machine smaller than it.
 */
export function missingRuntimeEnv(env: NodeJS.ProcessEnv, ramBytes: number = totalmem()): Record<string, string> {
  const want: Record<string, string> = { [PURGE_DELAY_VARIABLE]: "0" };
  if (ramBytes > DEV_RAM_SIZE_BYTES) want[RAM_SIZE_VARIABLE] = String(DEV_RAM_SIZE_BYTES);
  return Object.fromEntries(Object.entries(want).filter(([k]) => env[k] === undefined));
}

/** A NUL-terminated C string. */
function cString(s: string): Buffer {
  return Buffer.from(`${s}\0`, "utf8");
}

/**
 * Replaces this process with the same command (runtime flags, script, arguments) and `env` plus
 * the variables {@link missingRuntimeEnv} names. Returns only when there is nothing to add, or
 * the platform or the call does not allow it (the node then runs with the runtime's defaults).
 */
export async function reexecWithRuntimeEnv(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const add = missingRuntimeEnv(env);
  const libc = LIBC[process.platform];
  if (Object.keys(add).length === 0 || libc === undefined) return;
  const { FFIType, dlopen, ptr } = await import("bun:ffi");
  let lib;
  try {
    lib = dlopen(libc, { execve: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 } });
  } catch {
    return;
  }
  const argv = [process.execPath, ...process.execArgv, ...process.argv.slice(1)].map(cString);
  const envp = Object.entries({ ...env, ...add })
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => cString(`${k}=${v}`));
  // NULL-terminated arrays of pointers to the strings above (all referenced until execve returns).
  const pointers = (strings: Buffer[]) => new BigUint64Array([...strings.map((s) => BigInt(ptr(s))), 0n]);
  const [path, argvp, envpp] = [cString(process.execPath), pointers(argv), pointers(envp)];
  lib.symbols.execve(path, argvp, envpp);
  // Only reached when execve failed: run on with the defaults.
  lib.close();
}
