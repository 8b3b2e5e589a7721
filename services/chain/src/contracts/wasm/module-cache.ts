/**
 * Compiled contract modules by metadata hash: each bytecode is validated, instrumented and
 * compiled once, then every invocation instantiates the cached module afresh. A module that
 * fails validation is remembered as failed so it is not re-parsed on every call.
 */
import { bytesEqual, toHex } from "@cairn/core";
import { InvalidModuleError, instrument } from "./instrument.ts";
import type { RunnableModule } from "./vm.ts";

export type CompiledModule = ({ ok: true } & RunnableModule) | { ok: false; reason: string };

export class ModuleCache {
  private readonly entries = new Map<string, CompiledModule>();
  /** Modules compiled (cache misses), for metrics and tests. */
  compiled = 0;

  constructor(
    /** Entries kept (least recently used evicted). */
    private readonly capacity = 64,
  ) {}

  /** The entry of the last lookup: calls mostly repeat one contract, so its hash is compared first. */
  private last: { hash: Uint8Array; entry: CompiledModule } | undefined;

  get(hash: Uint8Array, bytecode: () => Uint8Array): CompiledModule {
    const last = this.last;
    if (last && bytesEqual(last.hash, hash)) return last.entry;
    const entry = this.lookup(hash, bytecode);
    this.last = { hash: hash.slice(), entry };
    return entry;
  }

  private lookup(hash: Uint8Array, bytecode: () => Uint8Array): CompiledModule {
    const key = toHex(hash);
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    let entry: CompiledModule;
    try {
      const out = instrument(bytecode());
      entry = { ok: true, module: new WebAssembly.Module(out.bytes), memory: out.memory, reset: out.reset, idle: [] };
    } catch (e) {
      entry = { ok: false, reason: e instanceof InvalidModuleError ? e.message : `invalid module: ${(e as Error).message}` };
    }
    this.compiled++;
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
    return entry;
  }
}
