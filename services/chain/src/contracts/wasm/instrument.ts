/**
 * Prepares an uploaded contract module for Bun's WebAssembly engine so that it runs under the
 * reference VM's rules (docs/koinos-vm.md §1.1, §8): one pass over the binary that
 *
 * - refuses anything beyond WebAssembly 1.0 (sign-extension, bulk memory, SIMD, reference types,
 *   multi-value blocks, passive segments…), any import other than `env.invoke_system_call` /
 *   `env.invoke_thunk` with the 6×i32→i32 type, memories above 512 pages, and modules without an
 *   exported `_start`;
 * - caps memory at 512 pages (a larger `memory.grow` returns −1, as the reference does);
 * - rewrites every float instruction to `unreachable`, so it traps when executed while the module
 *   still validates and its integer code runs;
 * - meters compute: each straight-line run of instructions subtracts its instruction count from an
 *   exported i64 global (`cairn_ticks`) at its first instruction and traps when the budget goes
 *   negative; `memory.grow` also costs one tick per page requested;
 * - bounds WASM call depth with a counter around every call.
 *
 * The host sets `cairn_ticks` to the remaining budget before running and reads it back at every
 * system call. Instrumented bytes are compiled once per contract hash (`module-cache.ts`).
 */

/** Linear memory limit, pages (32 MiB). */
export const MAX_MEMORY_PAGES = 512;
/** Nested WASM calls allowed inside one contract instance (the reference's effective limit). */
export const MAX_CALL_DEPTH = 1797;
/** Export name of the tick budget global. */
export const TICKS_EXPORT = "cairn_ticks";
/** Export name of the call depth counter (reset when an instance is reused). */
export const DEPTH_EXPORT = "cairn_depth";

/**
 * How to bring a used instance back to the state of a fresh one: its mutable globals (exported
 * as `cairn_g<i>`) to their initial values and the data segments written again into a zeroed
 * memory. Absent when the module cannot be reset that way (a start function, computed offsets).
 */
export interface ResetPlan {
  globals: { name: string; index: number; value: number | bigint }[];
  data: { offset: number; bytes: Uint8Array }[];
}

/** Import name under which the host provides the module's memory. */
export const MEMORY_EXPORT = "cairn_memory";

export class InvalidModuleError extends Error {}

const I32 = 0x7f;
const I64 = 0x7e;
const F32 = 0x7d;
const F64 = 0x7c;
const VALTYPES = new Set([I32, I64, F32, F64]);

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.buf.length) throw new InvalidModuleError("unexpected end of module");
    return this.buf[this.pos++]!;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) {
        if (shift > 35) throw new InvalidModuleError("varint too long");
      }
    }
    return result >>> 0;
  }
  /** Skips a signed LEB128 of at most `maxBytes`. */
  skipSleb(maxBytes: number): void {
    for (let i = 0; i < maxBytes; i++) if ((this.byte() & 0x80) === 0) return;
    throw new InvalidModuleError("integer constant too long");
  }
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new InvalidModuleError("unexpected end of module");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  name(): string {
    return new TextDecoder().decode(this.bytes(this.u32()));
  }
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
}

class Writer {
  private chunks: number[] = [];
  byte(b: number): this {
    this.chunks.push(b & 0xff);
    return this;
  }
  u32(v: number): this {
    let x = v >>> 0;
    do {
      let b = x & 0x7f;
      x >>>= 7;
      if (x !== 0) b |= 0x80;
      this.chunks.push(b);
    } while (x !== 0);
    return this;
  }
  i64(v: bigint): this {
    let x = v;
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      const done = (x === 0n && (b & 0x40) === 0) || (x === -1n && (b & 0x40) !== 0);
      this.chunks.push(done ? b : b | 0x80);
      if (done) return this;
    }
  }
  i32(v: number): this {
    return this.i64(BigInt(v | 0));
  }
  bytes(b: Uint8Array | number[]): this {
    for (const x of b) this.chunks.push(x);
    return this;
  }
  vec(b: Uint8Array | number[]): this {
    return this.u32(b.length).bytes(b);
  }
  str(s: string): this {
    return this.vec(new TextEncoder().encode(s));
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
  get length(): number {
    return this.chunks.length;
  }
}

interface FuncType {
  params: number[];
  results: number[];
}

/** Float opcodes (loads, stores, constants, comparisons, arithmetic, conversions). */
function isFloatOp(op: number): boolean {
  return (
    op === 0x2a || op === 0x2b || op === 0x38 || op === 0x39 || op === 0x43 || op === 0x44 ||
    (op >= 0x5b && op <= 0x66) || (op >= 0x8b && op <= 0xa6) || (op >= 0xa8 && op <= 0xab) || (op >= 0xae && op <= 0xbf)
  );
}

/** One decoded instruction: where it lies in the body and its opcode. */
interface Instr {
  op: number;
  start: number;
  end: number;
}

function decodeBody(r: Reader, end: number): Instr[] {
  const out: Instr[] = [];
  let depth = 1;
  while (r.pos < end) {
    const start = r.pos;
    const op = r.byte();
    switch (op) {
      case 0x02:
      case 0x03:
      case 0x04: {
        const bt = r.byte();
        if (bt !== 0x40 && !VALTYPES.has(bt)) throw new InvalidModuleError("multi-value block types are not supported (WebAssembly 1.0 only)");
        depth++;
        break;
      }
      case 0x0b:
        depth--;
        break;
      case 0x0c:
      case 0x0d:
      case 0x10:
      case 0x20:
      case 0x21:
      case 0x22:
      case 0x23:
      case 0x24:
        r.u32();
        break;
      case 0x0e: {
        const n = r.u32();
        for (let i = 0; i <= n; i++) r.u32();
        break;
      }
      case 0x11:
        r.u32();
        if (r.byte() !== 0) throw new InvalidModuleError("call_indirect table index must be 0");
        break;
      case 0x3f:
      case 0x40:
        if (r.byte() !== 0) throw new InvalidModuleError("memory index must be 0");
        break;
      case 0x41:
        r.skipSleb(5);
        break;
      case 0x42:
        r.skipSleb(10);
        break;
      case 0x43:
        r.bytes(4);
        break;
      case 0x44:
        r.bytes(8);
        break;
      default:
        if (op === 0x00 || op === 0x01 || op === 0x05 || op === 0x0f || op === 0x1a || op === 0x1b) break;
        if (op >= 0x28 && op <= 0x3e) {
          r.u32();
          r.u32();
          break;
        }
        if (op >= 0x45 && op <= 0xbf) break;
        throw new InvalidModuleError(`opcode 0x${op.toString(16)} is not part of WebAssembly 1.0`);
    }
    out.push({ op, start, end: r.pos });
    if (depth === 0) break;
  }
  if (depth !== 0 || r.pos !== end) throw new InvalidModuleError("malformed function body");
  return out;
}

/** Does a new straight-line run start right after `op`? */
function endsRun(op: number): boolean {
  // block/loop/if bodies, else arms, joins after end, fall-through of br_if, and code after calls
  // (so ticks are exact enough at host calls) each start a new run.
  return op === 0x02 || op === 0x03 || op === 0x04 || op === 0x05 || op === 0x0b || op === 0x0c || op === 0x0d || op === 0x0e || op === 0x0f || op === 0x00 || op === 0x10 || op === 0x11;
}

interface Injection {
  ticksGlobal: number;
  depthGlobal: number;
  growFunc: number;
  importedFuncs: number;
}

function emitCharge(w: Writer, inj: Injection, ticks: number): void {
  if (ticks === 0) return;
  w.byte(0x23).u32(inj.ticksGlobal).byte(0x42).i64(BigInt(ticks)).byte(0x7d).byte(0x24).u32(inj.ticksGlobal);
  w.byte(0x23).u32(inj.ticksGlobal).byte(0x42).i64(0n).byte(0x53).byte(0x04).byte(0x40).byte(0x00).byte(0x0b);
}

function rewriteBody(body: Uint8Array, inj: Injection): Uint8Array {
  const r = new Reader(body);
  const w = new Writer();
  // locals
  const nLocalGroups = r.u32();
  const localsStart = 0;
  for (let i = 0; i < nLocalGroups; i++) {
    r.u32();
    const t = r.byte();
    if (!VALTYPES.has(t)) throw new InvalidModuleError("invalid local type");
  }
  w.bytes(body.subarray(localsStart, r.pos));
  const instrs = decodeBody(r, body.length);
  // Cost of each run = number of instructions from its start to (and including) the next run end.
  let i = 0;
  while (i < instrs.length) {
    let j = i;
    while (j < instrs.length - 1 && !endsRun(instrs[j]!.op)) j++;
    // instrs[i..j] form one run; charge it before its first instruction.
    emitCharge(w, inj, j - i + 1);
    for (let k = i; k <= j; k++) {
      const ins = instrs[k]!;
      const op = ins.op;
      if (isFloatOp(op)) {
        w.byte(0x00);
      } else if (op === 0x40) {
        w.byte(0x10).u32(inj.growFunc);
      } else if ((op === 0x10 && readCallee(body, ins) >= inj.importedFuncs) || op === 0x11) {
        // depth++ ; trap past the limit ; call ; depth--
        w.byte(0x23).u32(inj.depthGlobal).byte(0x41).i32(1).byte(0x6a).byte(0x24).u32(inj.depthGlobal);
        w.byte(0x23).u32(inj.depthGlobal).byte(0x41).i32(MAX_CALL_DEPTH).byte(0x4b).byte(0x04).byte(0x40).byte(0x00).byte(0x0b);
        w.bytes(body.subarray(ins.start, ins.end));
        w.byte(0x23).u32(inj.depthGlobal).byte(0x41).i32(1).byte(0x6b).byte(0x24).u32(inj.depthGlobal);
      } else {
        w.bytes(body.subarray(ins.start, ins.end));
      }
    }
    i = j + 1;
  }
  return w.finish();
}

function readCallee(body: Uint8Array, ins: Instr): number {
  const r = new Reader(body);
  r.pos = ins.start + 1;
  return r.u32();
}

/** Reads a constant expression: its value when it is a plain constant, else undefined. */
function readConst(r: Reader): number | bigint | undefined {
  const op = r.byte();
  let value: number | bigint | undefined;
  if (op === 0x41) value = Number(readSleb(r, 5));
  else if (op === 0x42) value = readSleb(r, 10);
  else if (op === 0x43) value = new DataView(r.bytes(4).slice().buffer).getFloat32(0, true);
  else if (op === 0x44) value = new DataView(r.bytes(8).slice().buffer).getFloat64(0, true);
  else if (op === 0x23) r.u32();
  else throw new InvalidModuleError(`opcode 0x${op.toString(16)} is not allowed in a constant expression`);
  if (r.byte() !== 0x0b) throw new InvalidModuleError("constant expression must be a single instruction");
  return value;
}

function readSleb(r: Reader, maxBytes: number): bigint {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < maxBytes; i++) {
    const b = r.byte();
    result |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if ((b & 0x80) === 0) {
      if (b & 0x40) result -= 1n << shift;
      return result;
    }
  }
  throw new InvalidModuleError("integer constant too long");
}

function readLimits(r: Reader): { min: number; max?: number } {
  const flag = r.byte();
  if (flag !== 0 && flag !== 1) throw new InvalidModuleError("shared or 64-bit limits are not part of WebAssembly 1.0");
  const min = r.u32();
  return flag === 1 ? { min, max: r.u32() } : { min };
}

const ENV_IMPORTS = new Set(["invoke_system_call", "invoke_thunk"]);

function isHostType(t: FuncType | undefined): boolean {
  return !!t && t.params.length === 6 && t.params.every((p) => p === I32) && t.results.length === 1 && t.results[0] === I32;
}

/** Validates and instruments a contract module; throws InvalidModuleError with the reason. */
export function instrumentModule(bytecode: Uint8Array): Uint8Array {
  return instrument(bytecode).bytes;
}

/** The instrumented module and the memory (pages) the host must provide, if any. */
export function instrument(bytecode: Uint8Array): { bytes: Uint8Array; memory?: { min: number; max: number }; reset?: ResetPlan } {
  const r = new Reader(bytecode);
  const magic = r.bytes(8);
  if (magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d || magic[4] !== 1 || magic[5] !== 0 || magic[6] !== 0 || magic[7] !== 0) {
    throw new InvalidModuleError("not a WebAssembly 1.0 module");
  }
  const sections = new Map<number, Uint8Array>();
  let lastId = 0;
  while (!r.done) {
    const id = r.byte();
    const content = r.bytes(r.u32());
    if (id === 0) continue; // custom sections are dropped
    if (id > 11) throw new InvalidModuleError(`section ${id} is not part of WebAssembly 1.0`);
    if (id <= lastId) throw new InvalidModuleError("sections out of order");
    lastId = id;
    sections.set(id, content);
  }

  // types
  const types: FuncType[] = [];
  let typesBody: Uint8Array = new Uint8Array();
  if (sections.has(1)) {
    const s = new Reader(sections.get(1)!);
    const n = s.u32();
    typesBody = sections.get(1)!.subarray(s.pos);
    for (let i = 0; i < n; i++) {
      if (s.byte() !== 0x60) throw new InvalidModuleError("invalid function type");
      const params = Array.from({ length: s.u32() }, () => s.byte());
      const results = Array.from({ length: s.u32() }, () => s.byte());
      if (results.length > 1) throw new InvalidModuleError("multi-value results are not part of WebAssembly 1.0");
      if (![...params, ...results].every((t) => VALTYPES.has(t))) throw new InvalidModuleError("invalid value type");
      types.push({ params, results });
    }
  }
  // imports: only the two host functions
  let importedFuncs = 0;
  if (sections.has(2)) {
    const s = new Reader(sections.get(2)!);
    const n = s.u32();
    for (let i = 0; i < n; i++) {
      const mod = s.name();
      const field = s.name();
      const kind = s.byte();
      if (kind !== 0 || mod !== "env" || !ENV_IMPORTS.has(field)) throw new InvalidModuleError(`import ${mod}.${field} is not provided (only env.invoke_system_call and env.invoke_thunk are)`);
      if (!isHostType(types[s.u32()])) throw new InvalidModuleError(`import ${mod}.${field} has the wrong type`);
      importedFuncs++;
    }
  }
  const funcTypes: number[] = [];
  if (sections.has(3)) {
    const s = new Reader(sections.get(3)!);
    const n = s.u32();
    for (let i = 0; i < n; i++) funcTypes.push(s.u32());
  }
  if (sections.has(4)) {
    const s = new Reader(sections.get(4)!);
    const n = s.u32();
    if (n > 1) throw new InvalidModuleError("more than one table");
    for (let i = 0; i < n; i++) {
      if (s.byte() !== 0x70) throw new InvalidModuleError("tables must hold funcref");
      readLimits(s);
    }
  }
  // memory: ≤ 512 pages, capped at 512
  let memoryLimits: { min: number; max: number } | undefined;
  if (sections.has(5)) {
    const s = new Reader(sections.get(5)!);
    const n = s.u32();
    if (n > 1) throw new InvalidModuleError("more than one memory");
    if (n === 1) {
      const lim = readLimits(s);
      if (lim.min > MAX_MEMORY_PAGES || (lim.max !== undefined && lim.max > MAX_MEMORY_PAGES)) throw new InvalidModuleError(`memory above ${MAX_MEMORY_PAGES} pages`);
      memoryLimits = { min: lim.min, max: lim.max ?? MAX_MEMORY_PAGES };
    }
  }
  // globals: count and keep
  const globals: Uint8Array[] = [];
  // What reusing an instance must restore: mutable globals and data segments (else undefined).
  let reset: ResetPlan | undefined = { globals: [], data: [] };
  if (sections.has(6)) {
    const s = new Reader(sections.get(6)!);
    const n = s.u32();
    for (let i = 0; i < n; i++) {
      const start = s.pos;
      if (!VALTYPES.has(s.byte())) throw new InvalidModuleError("invalid global type");
      const mutable = s.byte();
      if (mutable > 1) throw new InvalidModuleError("invalid global mutability");
      const value = readConst(s);
      globals.push(sections.get(6)!.subarray(start, s.pos));
      if (mutable === 1) {
        if (value === undefined) reset = undefined;
        else reset?.globals.push({ name: `cairn_g${i}`, index: i, value });
      }
    }
  }
  if (sections.has(8)) reset = undefined;
  // exports: _start must exist and be a () -> () function
  const exports: Uint8Array[] = [];
  let hasStart = false;
  if (sections.has(7)) {
    const s = new Reader(sections.get(7)!);
    const n = s.u32();
    for (let i = 0; i < n; i++) {
      const start = s.pos;
      const name = s.name();
      const kind = s.byte();
      const index = s.u32();
      if (name.startsWith("cairn_")) throw new InvalidModuleError(`export name ${name} is reserved`);
      if (name === "_start" && kind === 0) {
        const t = index >= importedFuncs ? types[funcTypes[index - importedFuncs]!] : undefined;
        if (!t || t.params.length > 0 || t.results.length > 0) throw new InvalidModuleError("_start must take and return nothing");
        hasStart = true;
      }
      exports.push(sections.get(7)!.subarray(start, s.pos));
    }
  }
  if (!hasStart) throw new InvalidModuleError("module does not have _start function");
  for (const id of [9, 11]) {
    if (!sections.has(id)) continue;
    const s = new Reader(sections.get(id)!);
    const n = s.u32();
    for (let i = 0; i < n; i++) {
      if (s.u32() !== 0) throw new InvalidModuleError(`${id === 9 ? "element" : "data"} segment kind is not part of WebAssembly 1.0`);
      const offset = readConst(s);
      if (id === 9) {
        const m = s.u32();
        for (let k = 0; k < m; k++) s.u32();
      } else {
        const bytes = s.bytes(s.u32());
        if (typeof offset !== "number") reset = undefined;
        else reset?.data.push({ offset: offset >>> 0, bytes: bytes.slice() });
      }
    }
  }

  // Injected pieces: a grow type, the tick and depth globals, the metered grow function.
  const growType = types.length;
  const allTypes = new Writer().u32(types.length + 1);
  allTypes.bytes(typesBody);
  allTypes.byte(0x60).u32(1).byte(I32).u32(1).byte(I32);
  const inj: Injection = { ticksGlobal: globals.length, depthGlobal: globals.length + 1, growFunc: importedFuncs + funcTypes.length, importedFuncs };

  const code = sections.get(10);
  const bodies: Uint8Array[] = [];
  if (code) {
    const s = new Reader(code);
    const n = s.u32();
    if (n !== funcTypes.length) throw new InvalidModuleError("function and code section sizes differ");
    for (let i = 0; i < n; i++) bodies.push(rewriteBody(s.bytes(s.u32()), inj));
  } else if (funcTypes.length > 0) throw new InvalidModuleError("missing code section");
  // grow(pages): ticks -= pages (trap below zero); memory.grow(pages)
  const grow = new Writer().u32(0);
  grow.byte(0x23).u32(inj.ticksGlobal).byte(0x20).u32(0).byte(0xad).byte(0x7d).byte(0x24).u32(inj.ticksGlobal);
  grow.byte(0x23).u32(inj.ticksGlobal).byte(0x42).i64(0n).byte(0x53).byte(0x04).byte(0x40).byte(0x00).byte(0x0b);
  grow.byte(0x20).u32(0).byte(0x40).byte(0x00).byte(0x0b);
  bodies.push(grow.finish());

  const out = new Writer().bytes([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  const section = (id: number, content: Uint8Array | undefined) => {
    if (content) out.byte(id).vec(content);
  };
  section(1, allTypes.finish());
  // The module's own memory becomes an import (`env.cairn_memory`) so the host can hand each
  // instance a zeroed memory of the declared size from a pool instead of allocating one per call.
  if (memoryLimits) {
    const imports = new Writer();
    let count = 0;
    let body: Uint8Array = new Uint8Array();
    if (sections.has(2)) {
      const s = new Reader(sections.get(2)!);
      count = s.u32();
      body = sections.get(2)!.subarray(s.pos);
    }
    imports.u32(count + 1).bytes(body).str("env").str(MEMORY_EXPORT).byte(0x02).byte(1).u32(memoryLimits.min).u32(memoryLimits.max);
    section(2, imports.finish());
  } else section(2, sections.get(2));
  const funcs = new Writer().u32(funcTypes.length + 1);
  for (const t of funcTypes) funcs.u32(t);
  funcs.u32(growType);
  section(3, funcs.finish());
  section(4, sections.get(4));
  const g = new Writer().u32(globals.length + 2);
  for (const x of globals) g.bytes(x);
  g.byte(I64).byte(1).byte(0x42).i64(0n).byte(0x0b);
  g.byte(I32).byte(1).byte(0x41).i32(0).byte(0x0b);
  section(6, g.finish());
  const resetGlobals = reset?.globals ?? [];
  const e = new Writer().u32(exports.length + 2 + resetGlobals.length);
  for (const x of exports) e.bytes(x);
  e.str(TICKS_EXPORT).byte(0x03).u32(inj.ticksGlobal);
  e.str(DEPTH_EXPORT).byte(0x03).u32(inj.depthGlobal);
  for (const g of resetGlobals) e.str(g.name).byte(0x03).u32(g.index);
  section(7, e.finish());
  section(8, sections.get(8));
  section(9, sections.get(9));
  const c = new Writer().u32(bodies.length);
  for (const b of bodies) c.vec(b);
  section(10, c.finish());
  section(11, sections.get(11));
  return { bytes: out.finish(), memory: memoryLimits, reset };
}
