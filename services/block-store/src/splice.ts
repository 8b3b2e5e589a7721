/**
 * The block store's gRPC answers with the stored bytes spliced in. A protobuf embedded message is
 * length-delimited: `BlockItem.block` on the wire is the tag, the length and `Block.encode(block)`
 * — the very bytes the store keeps. So `GetBlocksByHeight` and `GetBlocksById` answers write each
 * item's stored block and receipt as they are instead of decoding them from the store and
 * encoding them again, which was most of the service's CPU time for a rebuild reading the chain.
 * The answers are the same bytes (splice.test.ts); in-process clients, which get objects, decode
 * on access (`storedRecord`).
 */
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { block_store } from "@cairn/proto";

/** Where an answer's item keeps the stored bytes of its block and receipt. */
export const STORED_BYTES = Symbol("cairn.block_store.stored_bytes");

/** A `BlockItem` that may carry the stored bytes of its `block` and `receipt`. */
export type SplicedItem = block_store.BlockItem & { [STORED_BYTES]?: { block?: Uint8Array; receipt?: Uint8Array } };

/**
 * Encodes `items` as repeated field 1 of a response, exactly as `BlockItem.encode` would: an item
 * with stored bytes gets them as its fields 3 and 4 (present exactly when `block` / `receipt` are).
 */
function encodeItems(items: readonly SplicedItem[], writer: BinaryWriter): BinaryWriter {
  for (const item of items) {
    const stored = item[STORED_BYTES];
    if (stored === undefined) {
      block_store.BlockItem.encode(item, writer.uint32(10).fork()).join();
      continue;
    }
    writer.uint32(10).fork();
    if (item.block_id.length !== 0) writer.uint32(10).bytes(item.block_id);
    if (item.block_height !== 0n) writer.uint32(16).uint64(item.block_height);
    if (stored.block !== undefined) writer.uint32(26).bytes(stored.block);
    if (stored.receipt !== undefined) writer.uint32(34).bytes(stored.receipt);
    writer.join();
  }
  return writer;
}

/** `GetBlocksByHeightResponse` / `GetBlocksByIdResponse` with `encode` splicing stored bytes. */
function splicing<F extends { encode(message: { block_items: block_store.BlockItem[] }, writer?: BinaryWriter): BinaryWriter }>(fns: F): F {
  return { ...fns, encode: (message: { block_items: block_store.BlockItem[] }, writer: BinaryWriter = new BinaryWriter()) => encodeItems(message.block_items, writer) };
}

/** `BlockStoreServiceDefinition` whose block-reading answers splice stored bytes: what the server binds. */
export const splicingBlockStoreDefinition: typeof block_store.BlockStoreServiceDefinition = (() => {
  const d = block_store.BlockStoreServiceDefinition;
  return {
    ...d,
    methods: {
      ...d.methods,
      getBlocksById: { ...d.methods.getBlocksById, responseType: splicing(d.methods.getBlocksById.responseType) },
      getBlocksByHeight: { ...d.methods.getBlocksByHeight, responseType: splicing(d.methods.getBlocksByHeight.responseType) },
    },
  };
})();
