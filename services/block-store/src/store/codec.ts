/** Between protocol messages and the bytes and topology the tables hold. */
import { protocol } from "@cairn/proto";
import { invalidBlock } from "../errors.ts";
import type { Topology } from "./store.ts";

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
