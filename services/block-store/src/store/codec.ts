/** Between protocol messages and the bytes and topology the tables hold. */
import { protocol } from "@cairn/proto";
import { invalidBlock } from "../errors.ts";
import type { BlockRecord, Topology } from "./store.ts";

/** The topology of a block to store; throws `block_store.invalid_block` without id or header. */
export function topologyOfBlock(block: protocol.Block): Topology {
  if (block.id.length === 0) throw invalidBlock("block.id");
  if (block.header === undefined) throw invalidBlock("block.header");
  return { id: block.id, height: block.header.height, previous: block.header.previous };
}

/** `protocol.BlockTopology` of a stored topology. */
export function toBlockTopology(t: Topology): protocol.BlockTopology {
  return protocol.BlockTopology.fromPartial({ id: t.id, height: t.height, previous: t.previous });
}

/** A raw SQL row value (Buffer, Uint8Array) as a fresh, exactly sized `Uint8Array`. */
export function rawBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  throw new TypeError(`expected bytes from the database, got ${typeof value}`);
}

/** A raw SQL `bigint` value (string on postgres.js, number or bigint on PGlite) as a bigint. */
export function rawBigint(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" || typeof value === "string") return BigInt(value);
  throw new TypeError(`expected an integer from the database, got ${typeof value}`);
}

/**
 * A read record over stored bytes: `encoded` holds them as stored, and `block` / `receipt` are
 * decoded from them on first access only (own enumerable properties, so a copy or a comparison
 * sees them). A gRPC answer splices `encoded` into its bytes (`splice.ts`) and decodes nothing.
 */
export function storedRecord(topology: Topology, block: Uint8Array | null | undefined, receipt: Uint8Array | null | undefined): BlockRecord {
  const record: BlockRecord = { id: topology.id, height: topology.height, previous: topology.previous };
  if (!block && !receipt) return record;
  const encoded: { block?: Uint8Array; receipt?: Uint8Array } = {};
  if (block) {
    encoded.block = block;
    lazy(record, "block", () => protocol.Block.decode(block));
  }
  if (receipt) {
    encoded.receipt = receipt;
    lazy(record, "receipt", () => protocol.BlockReceipt.decode(receipt));
  }
  record.encoded = encoded;
  return record;
}

/** Defines `target[key]` as `decode()`, called once, on first read (assignable, like a plain field). */
export function lazy<T extends object, K extends keyof T>(target: T, key: K, decode: () => T[K]): void {
  let done = false;
  let value: T[K];
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!done) [value, done] = [decode(), true];
      return value;
    },
    set: (v: T[K]) => {
      [value, done] = [v, true];
    },
  });
}
