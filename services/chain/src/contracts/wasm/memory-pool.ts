/**
 * Linear memories for contract instances. Creating a WebAssembly.Memory costs milliseconds in
 * JavaScriptCore (it reserves a large guarded region), more than running a typical contract call,
 * so memories are reused: one comes back only when the call left it at its declared size, and it
 * is zeroed before the next instance gets it — which then sees exactly what a fresh memory holds
 * (zero bytes, the declared size; instantiation writes the data segments again).
 */
export class MemoryPool {
  private readonly free = new Map<string, WebAssembly.Memory[]>();

  constructor(
    /** Memories kept per size. */
    private readonly perSize = 8,
  ) {}

  take(min: number, max: number): WebAssembly.Memory {
    const list = this.free.get(`${min}:${max}`);
    return list?.pop() ?? new WebAssembly.Memory({ initial: min, maximum: max });
  }

  give(memory: WebAssembly.Memory, min: number, max: number): void {
    if (memory.buffer.byteLength !== min * 65_536) return;
    const key = `${min}:${max}`;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    if (list.length >= this.perSize) return;
    new Uint8Array(memory.buffer).fill(0);
    list.push(memory);
  }
}
