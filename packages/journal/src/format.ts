/**
 * How a record sits in a segment file: a 16-byte header — payload length (u32 LE), CRC-32 (u32 LE)
 * of the sequence and the payload, the record's sequence number (u64 LE) — then the payload.
 * The sequence inside the checksum ties each record to its place: a stale or shifted record fails
 * the check like a torn one. Segment files are named by the sequence of their first record.
 */

/** Bytes before each payload. */
export const HEADER_BYTES = 16;

/** Default largest payload: 64 MiB (a block with its receipt is far smaller). */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

const SEGMENT_SUFFIX = ".jnl";

/** `00000000000000000042.jnl`: the name of a segment whose first record is `firstSeq`. */
export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(20, "0")}${SEGMENT_SUFFIX}`;
}

/** The first sequence of a segment file name, or undefined when it is not one. */
export function parseSegmentName(name: string): number | undefined {
  const m = /^(\d{20})\.jnl$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** One record framed for writing. */
export function encodeRecord(seq: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length, true);
  view.setBigUint64(8, BigInt(seq), true);
  out.set(payload, HEADER_BYTES);
  view.setUint32(4, Bun.hash.crc32(out.subarray(8)), true);
  return out;
}

/** A record read back, or why the bytes at `offset` are not one. */
export type Decoded = { ok: true; seq: number; payload: Uint8Array; next: number } | { ok: false; why: string };

/** Reads the record at `offset` of `bytes`; `maxPayload` bounds a length read from a torn header. */
export function decodeRecord(bytes: Uint8Array, offset: number, maxPayload: number): Decoded {
  if (bytes.length - offset < HEADER_BYTES) return { ok: false, why: "partial header" };
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, HEADER_BYTES);
  const length = view.getUint32(0, true);
  const crc = view.getUint32(4, true);
  const seq = Number(view.getBigUint64(8, true));
  if (length === 0 && crc === 0 && seq === 0) return { ok: false, why: "zeroed bytes" };
  if (length > maxPayload) return { ok: false, why: `length ${length} beyond the largest record` };
  const end = offset + HEADER_BYTES + length;
  if (end > bytes.length) return { ok: false, why: "partial payload" };
  if (Bun.hash.crc32(bytes.subarray(offset + 8, end)) !== crc) return { ok: false, why: "checksum mismatch" };
  return { ok: true, seq, payload: bytes.subarray(offset + HEADER_BYTES, end), next: end };
}
