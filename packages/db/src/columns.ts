/**
 * Column types shared by every service schema, identical on postgres.js and PGlite.
 *
 * - `bytea`: ids, hashes, signatures, serialized protobuf. Always `Uint8Array` in TypeScript:
 *   postgres.js hands back a Node `Buffer` (a pooled slice), PGlite a plain `Uint8Array`; both are
 *   copied into a fresh, exactly-sized `Uint8Array` so callers never see driver differences.
 * - `int64`: Postgres `bigint` (signed, −2^63 … 2^63−1) as a TypeScript `bigint`. Use it for
 *   values that are protocol `uint64` but cannot realistically pass 2^63 (heights, nonces,
 *   timestamps); it is 8 bytes, fast to index and compare.
 * - `uint64`: Postgres `numeric(20, 0)` as a `bigint`, for protocol `uint64` values that may use
 *   the full range (token amounts, mana/rc): 2^64−1 does not fit in Postgres `bigint`. Values
 *   outside 0 … 2^64−1 are rejected before they reach the database.
 */
import { bigint, customType } from "drizzle-orm/pg-core";
import { CairnError, ErrorStatus } from "@cairn/core";

/** Largest value a protocol `uint64` can hold. */
export const UINT64_MAX = (1n << 64n) - 1n;

/** A `bytea` column read and written as `Uint8Array` on both drivers. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType() {
    return "bytea";
  },
  toDriver(value) {
    return value;
  },
  fromDriver(value) {
    // Copy: a postgres.js Buffer may be a view into a larger pooled buffer.
    return new Uint8Array(value);
  },
});

/** A signed 64-bit integer column (`bigint`) as a TypeScript `bigint`. */
export function int64<TName extends string>(name: TName) {
  return bigint(name, { mode: "bigint" });
}

/** An unsigned 64-bit integer column (`numeric(20, 0)`) as a TypeScript `bigint`, range-checked. */
export const uint64 = customType<{ data: bigint; driverData: string }>({
  dataType() {
    return "numeric(20, 0)";
  },
  toDriver(value) {
    if (typeof value !== "bigint" || value < 0n || value > UINT64_MAX) {
      throw new CairnError("db.uint64_out_of_range", "value does not fit in uint64", {
        status: ErrorStatus.InvalidArgument,
        data: { value: String(value) },
      });
    }
    return value.toString();
  },
  fromDriver(value) {
    return BigInt(value);
  },
});
