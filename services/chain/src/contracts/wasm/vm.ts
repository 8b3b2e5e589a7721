/**
 * Runs one invocation of a WASM contract (docs/koinos-vm.md §1.2, §2.3): a fresh instance of the
 * cached module with the two host imports, `_start` called with the remaining compute as its tick
 * budget. Every host call checks its memory ranges, charges the ticks used since the last call,
 * dispatches the system call, writes the result (or `error_data`) back and resets the budget.
 * Reversions in user-mode contracts unwind the VM by exception; `exit` always unwinds.
 */
import { protocol } from "@cairn/proto";
import type { Contracts, ExecutionContext, Frame } from "../../execution/context.ts";
import { ChainError, isChainError } from "../../execution/errors.ts";
import { MEMORY_EXPORT, TICKS_EXPORT } from "./instrument.ts";
import type { MemoryPool } from "./memory-pool.ts";
import { ExitSignal, type Host, errorData, systemCall } from "./system-calls.ts";

function asChainError(e: unknown): ChainError {
  if (isChainError(e)) return e;
  if (e instanceof RangeError) return new ChainError("reversion", "module exited due to trap: call stack exhausted");
  return new ChainError("internal_error", `internal error: ${String((e as Error)?.message ?? e)}`);
}

export interface RunnableModule {
  module: WebAssembly.Module;
  /** The memory the instrumented module imports (its declared limits), if it has one. */
  memory?: { min: number; max: number };
}

export function runWasm(ctx: ExecutionContext, contracts: Contracts, frame: Frame, compiled: RunnableModule, memories: MemoryPool): Uint8Array {
  const limits = compiled.memory;
  const memory = limits ? memories.take(limits.min, limits.max) : undefined;
  try {
    return run(ctx, contracts, frame, compiled.module, memory);
  } finally {
    if (memory && limits) memories.give(memory, limits.min, limits.max);
  }
}

function run(ctx: ExecutionContext, contracts: Contracts, frame: Frame, module: WebAssembly.Module, memory: WebAssembly.Memory | undefined): Uint8Array {
  const meter = ctx.meter;
  const host: Host = { ctx, contracts, frame };
  let running = false;
  let ticks: WebAssembly.Global | undefined;
  let budget = 0n;

  /** Charges the ticks the VM used since the last sync. */
  const sync = () => {
    const left = ticks!.value as bigint;
    if (budget > left) meter.compute(budget - (left > 0n ? left : 0n));
    budget = left > 0n ? left : 0n;
  };
  const resetBudget = () => {
    budget = meter.remainingTicks();
    ticks!.value = budget;
  };

  const invoke = (viaThunk: boolean, sid: number, retPtr: number, retLen: number, argPtr: number, argLen: number, retBytesPtr: number): number => {
    if (!running || !ticks) throw new ChainError("reversion", "could not instantiate module: host call before the module is running");
    if (!memory) throw new ChainError("reversion", "module has no memory");
    sid >>>= 0;
    retPtr >>>= 0;
    retLen >>>= 0;
    argPtr >>>= 0;
    argLen >>>= 0;
    retBytesPtr >>>= 0;
    const size = memory.buffer.byteLength;
    if (retPtr + retLen > size || argPtr + argLen > size || retBytesPtr + 4 > size) throw new ChainError("reversion", "wasm memory exception: pointer out of bounds");
    sync();
    new DataView(memory.buffer).setUint32(retBytesPtr, 0, true);
    const args = new Uint8Array(memory.buffer, argPtr, argLen).slice();
    let code = 0;
    let out: Uint8Array;
    try {
      out = systemCall(host, sid, args, viaThunk);
      if (out.length > retLen) throw new ChainError("insufficient_return_buffer", "return buffer too small");
    } catch (e) {
      if (e instanceof ExitSignal) throw e;
      const err = asChainError(e);
      code = err.chainCode ?? 1;
      if (frame.privilege === protocol.Privilege.user_mode && code >= 1) throw err;
      out = errorData(err.message);
      if (out.length > retLen) {
        code = 105;
        out = new Uint8Array();
      }
    }
    new Uint8Array(memory.buffer).set(out, retPtr);
    new DataView(memory.buffer).setUint32(retBytesPtr, out.length, true);
    resetBudget();
    return code;
  };

  let instance: WebAssembly.Instance;
  try {
    const env: Record<string, Function | WebAssembly.Memory> = {
      invoke_system_call: (...a: number[]) => invoke(false, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!),
      invoke_thunk: (...a: number[]) => invoke(true, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!),
    };
    if (memory) env[MEMORY_EXPORT] = memory;
    instance = new WebAssembly.Instance(module, { env });
  } catch (e) {
    throw new ChainError("reversion", `could not instantiate module: ${(e as Error).message}`);
  }
  ticks = instance.exports[TICKS_EXPORT] as WebAssembly.Global;
  running = true;
  resetBudget();
  try {
    (instance.exports._start as () => void)();
    sync();
    // `_start` returned without exit: success with an empty result (the reference would reuse
    // the execution's previous exit result here).
    return new Uint8Array();
  } catch (e) {
    if (e instanceof ExitSignal) {
      if (e.code === 0) return e.result;
      throw new ChainError(e.code, e.message);
    }
    if (isChainError(e)) throw e;
    if ((ticks.value as bigint) < 0n) meter.exhaust();
    sync();
    throw new ChainError("reversion", `module exited due to trap: ${e instanceof RangeError ? "call stack exhausted" : ((e as Error).message ?? String(e))}`);
  }
}
