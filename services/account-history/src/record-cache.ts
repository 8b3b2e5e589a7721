/**
 * Decoded history records kept for reads: the same record bytes (a page read again) are not
 * decoded again, and each decoded record carries its content key (`CONTENT_KEY` of @cairn/core:
 * SHA-256 of its bytes, computed once), which the gateway's JSON cache keys on. Bounded by an
 * estimate of the decoded objects' size (`DECODED_FACTOR` × the record's bytes); least recently
 * used records go first, approximately (a hit marks its record; a marked record gets a second
 * chance when room is needed). A hit is a CRC-32 lookup confirmed by comparing the bytes, so a
 * record is only ever answered for its own bytes. Decoded records are shared: read-only.
 */
import { CONTENT_KEY } from "@cairn/core";
import { account_history } from "@cairn/proto";
import type { RecordKind } from "./impacted.ts";

/** Decoded record size over its protobuf size, roughly (objects, byte arrays, bigints). */
export const DECODED_FACTOR = 4;

/** Default budget: 16 MiB of decoded records (about 5,000 KOIN transfer records). */
export const DEFAULT_RECORD_CACHE_BYTES = 16 * 1024 * 1024;

type Decoded = account_history.TransactionRecord | account_history.BlockRecord;

interface Kept {
  readonly bytes: Uint8Array;
  readonly kind: RecordKind;
  readonly decoded: Decoded;
  hit: boolean;
}

export class RecordCache {
  private readonly map = new Map<number, Kept>();
  private used = 0;
  constructor(readonly maxBytes: number = DEFAULT_RECORD_CACHE_BYTES) {}

  /** The decoded record of `bytes`, from the cache or decoded now (and kept). */
  decode(kind: RecordKind, bytes: Uint8Array): Decoded {
    if (this.maxBytes <= 0) return decodeRecord(kind, bytes);
    // A collision only costs a miss: the bytes decide.
    const h = Bun.hash.crc32(bytes);
    const kept = this.map.get(h);
    if (kept !== undefined && kept.kind === kind && sameBytes(kept.bytes, bytes)) {
      kept.hit = true;
      return kept.decoded;
    }
    const decoded = decodeRecord(kind, bytes);
    const size = bytes.length * DECODED_FACTOR;
    if (size > this.maxBytes) return decoded;
    if (kept !== undefined) {
      this.map.delete(h);
      this.used -= kept.bytes.length * DECODED_FACTOR;
    }
    // The store may hand out a view: keep a copy of the bytes compared against.
    this.map.set(h, { bytes: bytes.slice(), kind, decoded, hit: false });
    this.used += size;
    for (const [k, v] of this.map) {
      if (this.used <= this.maxBytes) break;
      this.map.delete(k);
      if (v.hit && k !== h) {
        v.hit = false;
        this.map.set(k, v);
      } else {
        this.used -= v.bytes.length * DECODED_FACTOR;
      }
    }
    return decoded;
  }

  /** Records held and the estimated bytes. */
  size(): { records: number; bytes: number } {
    return { records: this.map.size, bytes: this.used };
  }
}

/** Decodes a record and puts its content key on it. */
function decodeRecord(kind: RecordKind, bytes: Uint8Array): Decoded {
  const decoded = kind === "block" ? account_history.BlockRecord.decode(bytes) : account_history.TransactionRecord.decode(bytes);
  Object.defineProperty(decoded, CONTENT_KEY, { value: `${kind}:${Bun.SHA256.hash(bytes, "base64")}` });
  return decoded;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
