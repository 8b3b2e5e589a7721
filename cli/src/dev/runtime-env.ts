/**
 * The dev node's runtime settings. `MIMALLOC_PURGE_DELAY=0` has the allocator (mimalloc 3.5 in
 * Bun 1.4.4) give freed pages back to the system at once instead of after 100 ms (~20 MB less
 * resident right after a burst of transfers, no measurable CPU cost). The runtime reads it once,
 * when the process starts, so `cairn dev` sets it for itself by replacing its process image with
 * the same command (execve: the same process id, stdio and arguments, so `bun run dev`, a
 * supervisor or a benchmark watching the process see one process). A value already in the
 * environment is kept.
 *
 * Not set by default: `BUN_JSC_forceRAMSize`. JavaScriptCore lets its heap grow in proportion to
 * the machine's RAM (on 24 GB a heap doubles between full collections), so a burst of 100,000
 * transfers leaves ~640 MB resident; sized for a 384 MiB machine it leaves ~340 MB, but the
 * collections it adds cost the chain's thread ~20% more CPU per transfer (side by side on a quiet
 * machine: 1,585 against 1,850 transfers/s), and throughput is what the dev node is for. A user
 * who wants the smaller footprint starts it with `BUN_JSC_forceRAMSize=402653184` (read at start,
 * no re-exec needed). `BUN_JSC_*` options are not a stable interface of Bun: an unknown one stops
 * the process at start.
 */
/** The allocator's (mimalloc's) delay before freed memory goes back to the system, ms. */
export const PURGE_DELAY_VARIABLE = "MIMALLOC_PURGE_DELAY";

/** The C library holding execve, by platform; none where the dev node does not re-exec. */
const LIBC: Partial<Record<NodeJS.Platform, string>> = { linux: "libc.so.6", darwin: "/usr/lib/libSystem.B.dylib" };

/** The variables the dev node wants that `env` lacks (none once they are set). */
export function missingRuntimeEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const want: Record<string, string> = { [PURGE_DELAY_VARIABLE]: "0" };
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
