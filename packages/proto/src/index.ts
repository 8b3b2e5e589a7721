/**
 * @cairn/proto — the TypeScript generated from proto/ (ts-proto: messages with encode/decode/
 * fromPartial, grpc-js service definitions, generic definitions), one namespace per proto package
 * (`chain`, `protocol`, `block_store`, ...), plus the binary FileDescriptorSet that drives
 * reflection and the Koinos JSON codec. Everything under gen/ is build output of
 * `bun run generate`; this file is the only hand-written one.
 */
export * from "../gen/index.js";
import { descriptorSetBase64 } from "../gen/descriptor.js";

let cached: Uint8Array | undefined;

/** The FileDescriptorSet (buf image) of every Cairn proto and its imports, as bytes. */
export function descriptorSetBytes(): Uint8Array {
  cached ??= Uint8Array.from(Buffer.from(descriptorSetBase64, "base64"));
  return cached;
}
