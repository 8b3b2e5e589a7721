/**
 * Signature recovery on a worker thread. Recovering a signer (~90 µs with libsecp256k1 here) is
 * the largest single cost of accepting a transaction, and a node's services share one JavaScript
 * thread; a `RecoveryPool` moves that work to a worker so the main thread keeps executing while
 * the recoveries of the submissions in flight run beside it.
 *
 * Requests made during one turn of the event loop go to the worker as one batch (one transferred
 * buffer, one answer). The pool is an accelerator, never the authority: an item that does not
 * recover answers `undefined` and the caller's own (synchronous) recovery gives the error; a pool
 * whose worker failed answers `undefined` to everything from then on.
 */

/** Bytes of a digest (sha256). */
export const DIGEST_BYTES = 32;
/** Bytes of a Koinos signature (recovery byte ‖ r ‖ s). */
export const SIGNATURE_BYTES = 65;
/** Bytes of an answer slot: a length byte (0: did not recover) and the address (25 bytes). */
export const ADDRESS_SLOT = 32;

/** A batch sent to the worker: `count` items of digest ‖ signature. */
export interface RecoveryBatch {
  id: number;
  count: number;
  items: Uint8Array;
}

/** The worker's answer to batch `id`: `ADDRESS_SLOT` bytes per item. */
export interface RecoveryAnswer {
  id: number;
  addresses: Uint8Array;
}

type Resolve = (address: Uint8Array | undefined) => void;

export class RecoveryPool {
  /** Started on the first request: a node that never recovers a signature never starts one. */
  private worker: Worker | undefined;
  /** Digest and signature of each queued request, in turn (copied into one buffer at the flush). */
  private queued: { items: Uint8Array[]; resolves: Resolve[] } = { items: [], resolves: [] };
  private readonly inFlight = new Map<number, Resolve[]>();
  private nextId = 1;
  private flushArmed = false;
  private failed = false;
  /** Recoveries the worker did. */
  recovered = 0;

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./recovery-worker.ts", import.meta.url));
    worker.unref(); // an idle pool never keeps the process alive
    worker.onmessage = (event: MessageEvent<RecoveryAnswer>) => this.answered(event.data);
    worker.onerror = () => this.fail();
    this.worker = worker;
    return worker;
  }

  /**
   * The address that signed `digest` with `signature`, recovered on the worker; `undefined` when
   * it does not recover or the pool cannot answer (the caller then recovers it itself). The bytes
   * are read when the batch leaves, later in this turn of the event loop: leave them unchanged.
   */
  recoverAddress(digest: Uint8Array, signature: Uint8Array): Promise<Uint8Array | undefined> {
    if (this.failed || digest.length !== DIGEST_BYTES || signature.length !== SIGNATURE_BYTES) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.queued.items.push(digest, signature);
      this.queued.resolves.push(resolve);
      if (!this.flushArmed) {
        this.flushArmed = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Stops the worker; pending and later requests answer `undefined`. */
  close(): void {
    this.fail();
    void this.worker?.terminate();
  }

  private flush(): void {
    this.flushArmed = false;
    const { items, resolves } = this.queued;
    if (resolves.length === 0) return;
    this.queued = { items: [], resolves: [] };
    if (this.failed) return resolves.forEach((r) => r(undefined));
    const size = DIGEST_BYTES + SIGNATURE_BYTES;
    const buffer = new Uint8Array(resolves.length * size);
    for (let i = 0; i < resolves.length; i++) {
      buffer.set(items[2 * i]!, i * size);
      buffer.set(items[2 * i + 1]!, i * size + DIGEST_BYTES);
    }
    const id = this.nextId++;
    this.inFlight.set(id, resolves);
    const batch: RecoveryBatch = { id, count: resolves.length, items: buffer };
    try {
      this.started().postMessage(batch, [buffer.buffer]);
    } catch {
      this.fail();
    }
  }

  private answered({ id, addresses }: RecoveryAnswer): void {
    const resolves = this.inFlight.get(id);
    if (!resolves) return;
    this.inFlight.delete(id);
    resolves.forEach((resolve, i) => {
      const length = addresses[i * ADDRESS_SLOT]!;
      if (length === 0) return resolve(undefined);
      this.recovered++;
      resolve(addresses.slice(i * ADDRESS_SLOT + 1, i * ADDRESS_SLOT + 1 + length));
    });
  }

  private fail(): void {
    this.failed = true;
    for (const resolves of this.inFlight.values()) resolves.forEach((r) => r(undefined));
    this.inFlight.clear();
    const { resolves } = this.queued;
    this.queued = { items: [], resolves: [] };
    resolves.forEach((r) => r(undefined));
  }
}
