/**
 * @cairn/proto — the TypeScript generated from proto/ (ts-proto: messages with encode/decode/
 * fromPartial, grpc-js service definitions, generic definitions), one namespace per proto package
 * (`chain`, `protocol`, `block_store`, ...), plus the binary FileDescriptorSet that drives
 * reflection and the Koinos JSON codec. Everything under gen/ is build output of
 * `bun run generate`; this file is the only hand-written one.
 */
export * from "../gen/index.js";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { descriptorSetBase64 } from "../gen/descriptor.js";

let cached: Uint8Array | undefined;

/** The FileDescriptorSet (buf image) of every Cairn proto and its imports, as bytes. */
export function descriptorSetBytes(): Uint8Array {
  cached ??= Uint8Array.from(Buffer.from(descriptorSetBase64, "base64"));
  return cached;
}


/** The writer `encodeMessage` reuses: its buffer stays grown, so an encode allocates only its result. */
let shared = new BinaryWriter();
/** Above this, the shared writer's buffer is dropped after use rather than kept (one huge message). */
const KEEP_BYTES = 1 << 22;

/**
 * `fns.encode(message).finish()` on one reused writer. A fresh writer starts at 128 bytes and
 * doubles, copying, until the message fits: for the few-KB blocks and records of a rebuild that
 * growth was a tenth of its CPU time. Encoding is synchronous, so nothing else uses the writer
 * meanwhile; after a throw it is replaced.
 */
export function encodeMessage<T>(fns: { encode(message: T, writer?: BinaryWriter): BinaryWriter }, message: T): Uint8Array {
  try {
    const bytes = fns.encode(message, shared).finish();
    if (bytes.length > KEEP_BYTES) shared = new BinaryWriter();
    return bytes;
  } catch (e) {
    shared = new BinaryWriter();
    throw e;
  }
}

/**
 * Encodings remembered by the message object they are of. In the one-process node the chain hands
 * each block and its receipt, as objects, to the journal and the block store (which encode both)
 * and then, by the in-process bus, to account history (whose records are those same transactions
 * and receipts, encoded again): the first to encode remembers, the others reuse the bytes. The
 * chain remembers each transaction it accepts, put together from the parts its checks encode, for
 * the mempool's store. Like
 * the bus's shared payloads, a message handed on this way is not changed in place afterwards.
 * Held weakly: the bytes go when the message does.
 */
const remembered = new WeakMap<object, Uint8Array>();

/** The bytes `encodeRemembered` remembered for `message` (this very object), if any. */
export function rememberedEncoding(message: object): Uint8Array | undefined {
  return remembered.get(message);
}

/** Remembers `bytes` as the encoding of `message` (what its type's `encode` gives for it), for `encodeRemembered` to hand out. */
export function rememberEncoding(message: object, bytes: Uint8Array): void {
  remembered.set(message, bytes);
}

/** `encodeMessage(fns, message)`, once per message object: the bytes remembered, or encoded and remembered (never changed in place). */
export function encodeRemembered<T extends object>(fns: { encode(message: T, writer?: BinaryWriter): BinaryWriter }, message: T): Uint8Array {
  let bytes = remembered.get(message);
  if (bytes === undefined) remembered.set(message, (bytes = encodeMessage(fns, message)));
  return bytes;
}

/**
 * Remembers, for each `[number, message]` of `fields`, the bytes of field `number` in the encoded
 * message `bytes` as the encoding of `message`, which must be that field as decoded from these very
 * bytes. For bytes a Cairn encoder wrote (`encode`, `encodeRemembered`: the block store's stored
 * blocks, the chain's events), which are what `encode` gives for what they decode to: whoever encodes
 * `message` next (`encodeRemembered`) takes the slice instead of encoding it again. A field present
 * more than once (its occurrences were merged by the decoder) or absent is not remembered; an
 * undefined message is skipped. Returns how many were remembered.
 */
export function rememberFieldEncodings(bytes: Uint8Array, fields: readonly (readonly [number, object | undefined])[]): number {
  const found = new Map<number, Uint8Array | null>();
  eachLengthDelimited(bytes, 0, bytes.length, (number, start, end) => {
    if (!fields.some(([n]) => n === number)) return;
    found.set(number, found.has(number) ? null : bytes.subarray(start, end));
  });
  let count = 0;
  for (const [number, message] of fields) {
    const slice = found.get(number);
    if (message === undefined || slice === undefined || slice === null) continue;
    remembered.set(message, slice);
    count++;
  }
  return count;
}

/** Reads a varint at `pos`; returns [value, next position]. Values beyond 2^53 are not expected here (lengths, tags). */
function varint(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= bytes.length) throw new RangeError("truncated varint");
    const b = bytes[pos++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, pos];
    scale *= 128;
  }
}

/**
 * Calls `field(number, start, end)` for every length-delimited field (submessages, bytes, strings,
 * packed lists) of the encoded message in `bytes[from, to)`, in wire order; skips the others.
 * Just enough of the wire format to find the parts of an encoded message without decoding it.
 */
export function eachLengthDelimited(bytes: Uint8Array, from: number, to: number, field: (number: number, start: number, end: number) => void): void {
  let pos = from;
  while (pos < to) {
    const [tag, afterTag] = varint(bytes, pos);
    pos = afterTag;
    switch (tag & 7) {
      case 0:
        pos = varint(bytes, pos)[1];
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const [length, start] = varint(bytes, pos);
        pos = start + length;
        field(Math.floor(tag / 8), start, pos);
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new RangeError(`unsupported wire type ${tag & 7}`);
    }
  }
  if (pos !== to) throw new RangeError("truncated message");
}

/**
 * The encoding of a message whose fields are all length-delimited, from each field's number and
 * encoded value, in the order given (fields left out are absent): what the generated `encode`
 * writes for those fields when their values encode to these bytes.
 */
export function encodeLengthDelimitedFields(fields: readonly (readonly [number, Uint8Array])[]): Uint8Array {
  let size = 0;
  for (const [number, value] of fields) size += varintSize(number * 8 + 2) + varintSize(value.length) + value.length;
  const out = new Uint8Array(size);
  let pos = 0;
  for (const [number, value] of fields) {
    pos = writeVarint(out, pos, number * 8 + 2);
    pos = writeVarint(out, pos, value.length);
    out.set(value, pos);
    pos += value.length;
  }
  return out;
}

/** Bytes of the varint encoding of `n` (0 ≤ n < 2⁵³): a length or a tag. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function writeVarint(out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  return pos;
}
