/** `rememberFieldEncodings`: a decoded field remembers the very bytes it was decoded from, once present exactly once. */
import { describe, expect, test } from "bun:test";
import { broadcast, encodeMessage, encodeRemembered, protocol, rememberFieldEncodings, rememberedEncoding } from "./index.ts";

const block = protocol.Block.fromPartial({ id: new Uint8Array([1, 2, 3]), header: { height: 7n, previous: new Uint8Array([9]) }, transactions: [{ id: new Uint8Array([4]) }] });
const receipt = protocol.BlockReceipt.fromPartial({ id: new Uint8Array([1, 2, 3]), height: 7n, disk_storage_used: 5n });

describe("rememberFieldEncodings", () => {
  test("remembers each named field's slice as the decoded message's encoding (what encode gives)", () => {
    const bytes = encodeMessage(broadcast.BlockAccepted, { block, receipt, live: true, head: false });
    const event = broadcast.BlockAccepted.decode(bytes);
    expect(rememberFieldEncodings(bytes, [[1, event.block], [2, event.receipt]])).toBe(2);
    expect(rememberedEncoding(event.block!)).toEqual(encodeMessage(protocol.Block, block));
    expect(rememberedEncoding(event.receipt!)).toEqual(encodeMessage(protocol.BlockReceipt, receipt));
    // A view into the event's bytes, not a copy; and what encodeRemembered hands out.
    expect(rememberedEncoding(event.block!)!.buffer).toBe(bytes.buffer);
    expect(encodeRemembered(protocol.Block, event.block!)).toBe(rememberedEncoding(event.block!)!);
  });

  test("an absent field, an undefined message and a field present twice (merged by the decoder) are not remembered", () => {
    const onlyBlock = encodeMessage(broadcast.BlockAccepted, { block, receipt: undefined, live: false, head: false });
    const a = broadcast.BlockAccepted.decode(onlyBlock);
    const stray = protocol.BlockReceipt.fromPartial({});
    expect(rememberFieldEncodings(onlyBlock, [[1, a.block], [2, a.receipt], [2, stray]])).toBe(1);
    expect(rememberedEncoding(stray)).toBeUndefined();
    // Field 1 twice: the decoded block is not what either slice alone encodes in general (the decoder merges or keeps the last).
    const twice = new Uint8Array([...onlyBlock, ...encodeMessage(broadcast.BlockAccepted, { block: { ...block, signature: new Uint8Array([5]) }, receipt: undefined, live: false, head: false })]);
    const merged = broadcast.BlockAccepted.decode(twice);
    expect(merged.block!.signature).toEqual(new Uint8Array([5]));
    expect(rememberFieldEncodings(twice, [[1, merged.block]])).toBe(0);
    expect(rememberedEncoding(merged.block!)).toBeUndefined();
  });
});
