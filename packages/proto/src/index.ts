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
