/**
 * Runs one invocation of a WASM contract (docs/koinos-vm.md §1.2, §2.3): an instance of the cached
 * module in the state of a fresh one, with the two host imports, `_start` called with the
 * remaining compute as its tick budget. Every host call checks its memory ranges, charges the
 * ticks used since the last call, dispatches the system call, writes the result (or `error_data`)
 * back and resets the budget. Reversions in user-mode contracts unwind the VM by exception; `exit`
 * always unwinds.
 *
 * Instances are reused when the module allows it: after a call its memory is zeroed (only if it
 * kept its declared size), the data segments are written again and every mutable global gets its
 * initial value back, which is exactly what a new instance would hold — at a fraction of the cost
 * of instantiating (and of creating a memory, which takes milliseconds in JavaScriptCore).
 */
import { protocol } from "@cairn/proto";
import type { Contracts, ExecutionContext, Frame } from "../../execution/context.ts";
import { ChainError, isChainError } from "../../execution/errors.ts";
import { DEPTH_EXPORT, MEMORY_EXPORT, type ResetPlan, TICKS_EXPORT } from "./instrument.ts";
import type { MemoryPool } from "./memory-pool.ts";
import { ExitSignal, type Host, errorData, systemCall } from "./system-calls.ts";

/** A compiled module and what the host needs to run it. */
export interface RunnableModule {
  module: WebAssembly.Module;
  /** The memory the instrumented module imports (its declared limits), if it has one. */
  memory?: { min: number; max: number };
  /** How to reset a used instance (absent: every call instantiates). */
  reset?: ResetPlan;
  /** Idle instances ready for reuse. */
  idle: Slot[];
}

/** Idle instances kept per module. */
const IDLE_PER_MODULE = 4;

interface Call {
  host: Host;
  budget: bigint;
}

interface Slot {
  instance: WebAssembly.Instance;
  memory: WebAssembly.Memory | undefined;
  ticks: WebAssembly.Global;
  depth: WebAssembly.Global;
  globals: { global: WebAssembly.Global; value: number | bigint }[];
  call: Call | undefined;
}

function asChainError(e: unknown): ChainError {
  if (isChainError(e)) return e;
  if (e instanceof RangeError) return new ChainError("reversion", "module exited due to trap: call stack exhausted");
  return new ChainError("internal_error", `internal error: ${String((e as Error)?.message ?? e)}`);
}

/** Charges the ticks the VM used since the last sync. */
function sync(slot: Slot, call: Call): void {
  const left = slot.ticks.value as bigint;
  const now = left > 0n ? left : 0n;
  if (call.budget > now) call.host.ctx.meter.compute(call.budget - now);
  call.budget = now;
}

function resetBudget(slot: Slot, call: Call): void {
  call.budget = call.host.ctx.meter.remainingTicks();
  slot.ticks.value = call.budget;
}

function invoke(slot: Slot, viaThunk: boolean, sid: number, retPtr: number, retLen: number, argPtr: number, argLen: number, retBytesPtr: number): number {
  const call = slot.call;
  if (!call) throw new ChainError("reversion", "could not instantiate module: host call before the module is running");
  const memory = slot.memory;
  if (!memory) throw new ChainError("reversion", "module has no memory");
  sid >>>= 0;
  retPtr >>>= 0;
  retLen >>>= 0;
  argPtr >>>= 0;
  argLen >>>= 0;
  retBytesPtr >>>= 0;
  // This instance's memory cannot grow while the host runs (a nested call of the same contract
  // runs in another instance), so one view serves the whole call.
  const buffer = memory.buffer;
  const size = buffer.byteLength;
  if (retPtr + retLen > size || argPtr + argLen > size || retBytesPtr + 4 > size) throw new ChainError("reversion", "wasm memory exception: pointer out of bounds");
  sync(slot, call);
  const bytes = new Uint8Array(buffer);
  setU32(bytes, retBytesPtr, 0);
  const args = bytes.slice(argPtr, argPtr + argLen);
  let code = 0;
  let out: Uint8Array;
  try {
    out = systemCall(call.host, sid, args, viaThunk);
    if (out.length > retLen) throw new ChainError("insufficient_return_buffer", "return buffer too small");
  } catch (e) {
    if (e instanceof ExitSignal) throw e;
    const err = asChainError(e);
    code = err.chainCode ?? 1;
    if (call.host.frame.privilege === protocol.Privilege.user_mode && code >= 1) throw err;
    out = errorData(err.message);
    if (out.length > retLen) {
      code = 105;
      out = new Uint8Array();
    }
  }
  bytes.set(out, retPtr);
  setU32(bytes, retBytesPtr, out.length);
  resetBudget(slot, call);
  return code;
}

/** Instances created so far (tests check that reuse happens). */
export const vmStats = { instantiated: 0 };

function instantiate(compiled: RunnableModule, memories: MemoryPool): Slot {
  vmStats.instantiated++;
  const limits = compiled.memory;
  const memory = limits ? memories.take(limits.min, limits.max) : undefined;
  const slot = { memory, call: undefined } as Slot;
  const env: Record<string, Function | WebAssembly.Memory> = {
    invoke_system_call: (a: number, b: number, c: number, d: number, e: number, f: number) => invoke(slot, false, a, b, c, d, e, f),
    invoke_thunk: (a: number, b: number, c: number, d: number, e: number, f: number) => invoke(slot, true, a, b, c, d, e, f),
  };
  if (memory) env[MEMORY_EXPORT] = memory;
  try {
    slot.instance = new WebAssembly.Instance(compiled.module, { env });
  } catch (e) {
    if (memory && limits) memories.give(memory, limits.min, limits.max);
    throw new ChainError("reversion", `could not instantiate module: ${(e as Error).message}`);
  }
  const exports = slot.instance.exports;
  slot.ticks = exports[TICKS_EXPORT] as WebAssembly.Global;
  slot.depth = exports[DEPTH_EXPORT] as WebAssembly.Global;
  slot.globals = (compiled.reset?.globals ?? []).map((g) => ({ global: exports[g.name] as WebAssembly.Global, value: g.value }));
  return slot;
}

const images = new WeakMap<ResetPlan, { offset: number; bytes: Uint8Array }>();

/**
 * The data segments as one image (gaps zero, later segments over earlier ones, as instantiation
 * writes them): a reset writes it with one copy instead of one per segment (SDK modules have ~100).
 */
function dataImage(plan: ResetPlan): { offset: number; bytes: Uint8Array } {
  let image = images.get(plan);
  if (!image) {
    const used = plan.data.filter((d) => d.bytes.length > 0);
    const lo = used.length ? Math.min(...used.map((d) => d.offset)) : 0;
    const hi = used.length ? Math.max(...used.map((d) => d.offset + d.bytes.length)) : 0;
    const bytes = new Uint8Array(hi - lo);
    for (const d of used) bytes.set(d.bytes, d.offset - lo);
    images.set(plan, (image = { offset: lo, bytes }));
  }
  return image;
}

/** Writes a little-endian u32 (no DataView: constructing one per host call is costly in JavaScriptCore). */
function setU32(bytes: Uint8Array, at: number, v: number): void {
  bytes[at] = v & 0xff;
  bytes[at + 1] = (v >>> 8) & 0xff;
  bytes[at + 2] = (v >>> 16) & 0xff;
  bytes[at + 3] = (v >>> 24) & 0xff;
}

/** Puts a used instance back in the state of a fresh one, or drops it. */
function release(compiled: RunnableModule, slot: Slot, memories: MemoryPool): void {
  const limits = compiled.memory;
  const plan = compiled.reset;
  const pristineSize = !slot.memory || !limits || slot.memory.buffer.byteLength === limits.min * 65_536;
  if (plan && pristineSize && compiled.idle.length < IDLE_PER_MODULE) {
    if (slot.memory) {
      const bytes = new Uint8Array(slot.memory.buffer);
      const image = dataImage(plan);
      bytes.fill(0, 0, image.offset);
      bytes.set(image.bytes, image.offset);
      bytes.fill(0, image.offset + image.bytes.length);
    }
    for (const g of slot.globals) g.global.value = g.value;
    slot.depth.value = 0;
    compiled.idle.push(slot);
    return;
  }
  if (slot.memory && limits) memories.give(slot.memory, limits.min, limits.max);
}

export function runWasm(ctx: ExecutionContext, contracts: Contracts, frame: Frame, compiled: RunnableModule, memories: MemoryPool): Uint8Array {
  const slot = compiled.idle.pop() ?? instantiate(compiled, memories);
  const call: Call = { host: { ctx, contracts, frame }, budget: 0n };
  slot.call = call;
  resetBudget(slot, call);
  try {
    (slot.instance.exports._start as () => void)();
    sync(slot, call);
    // `_start` returned without exit: success with an empty result (the reference would reuse
    // the execution's previous exit result here).
    return new Uint8Array();
  } catch (e) {
    if (e instanceof ExitSignal) {
      if (e.code === 0) return e.result;
      throw new ChainError(e.code, e.message);
    }
    if (isChainError(e)) throw e;
    if ((slot.ticks.value as bigint) < 0n) ctx.meter.exhaust();
    sync(slot, call);
    throw new ChainError("reversion", `module exited due to trap: ${e instanceof RangeError ? "call stack exhausted" : ((e as Error).message ?? String(e))}`);
  } finally {
    slot.call = undefined;
    release(compiled, slot, memories);
  }
}
