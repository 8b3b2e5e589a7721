/**
 * What the dev node's journal holds (one record per entry, in the order things happened):
 *
 * - `transaction`: a transaction the chain accepted (the `koinos.transaction.accept` payload),
 *   journaled before the bus takes it, so before `submit_transaction` returns its receipt;
 * - `block`: a block and its receipt, journaled when the chain hands it to the block store —
 *   before the chain commits it, so before any client can see it;
 * - `controls`: the dev controls' state (clock offset, pinned next block time, production mode)
 *   after a control changed it.
 *
 * Layout: one byte of kind, then a block is u32 LE length + `Block` + `BlockReceipt` (protobuf), a
 * transaction the bus payload as is, controls UTF-8 JSON (bigints as strings).
 */
import { encodeRemembered, protocol } from "@cairn/proto";
import { encodeBlockRemembered } from "@cairn/protocol";

/** The dev controls' state that outlives a restart. */
export interface ControlState {
  /** The clock minus the wall clock, ms (when nothing is pinned). */
  offsetMs: bigint;
  /** The next block's fixed timestamp, if any. */
  pinned: bigint | undefined;
  mode: "instant" | "interval" | "manual";
  intervalMs: number;
}

export type JournalEntry =
  | { kind: "block"; block: protocol.Block; receipt: protocol.BlockReceipt }
  | { kind: "transaction"; accepted: Uint8Array }
  | { kind: "controls"; state: ControlState };

const KIND = { block: 1, transaction: 2, controls: 3 } as const;

export function encodeEntry(entry: JournalEntry): Uint8Array {
  switch (entry.kind) {
    case "block": {
      // Remembered: the block store and account history take the same bytes after.
      const block = encodeBlockRemembered(entry.block);
      const receipt = encodeRemembered(protocol.BlockReceipt, entry.receipt);
      const out = new Uint8Array(5 + block.length + receipt.length);
      out[0] = KIND.block;
      new DataView(out.buffer).setUint32(1, block.length, true);
      out.set(block, 5);
      out.set(receipt, 5 + block.length);
      return out;
    }
    case "transaction": {
      const out = new Uint8Array(1 + entry.accepted.length);
      out[0] = KIND.transaction;
      out.set(entry.accepted, 1);
      return out;
    }
    case "controls": {
      const s = entry.state;
      const json = JSON.stringify({ offsetMs: String(s.offsetMs), pinned: s.pinned === undefined ? null : String(s.pinned), mode: s.mode, intervalMs: s.intervalMs });
      const body = new TextEncoder().encode(json);
      const out = new Uint8Array(1 + body.length);
      out[0] = KIND.controls;
      out.set(body, 1);
      return out;
    }
  }
}

export function decodeEntry(bytes: Uint8Array): JournalEntry {
  const kind = bytes[0];
  if (kind === KIND.block) {
    const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, true);
    return { kind: "block", block: protocol.Block.decode(bytes.subarray(5, 5 + length)), receipt: protocol.BlockReceipt.decode(bytes.subarray(5 + length)) };
  }
  if (kind === KIND.transaction) return { kind: "transaction", accepted: bytes.slice(1) };
  if (kind === KIND.controls) return { kind: "controls", state: decodeControls(bytes.subarray(1)) };
  throw new Error(`unknown journal entry kind ${kind}`);
}

export function encodeControls(state: ControlState): Uint8Array {
  return encodeEntry({ kind: "controls", state }).subarray(1);
}

export function decodeControls(bytes: Uint8Array): ControlState {
  const v = JSON.parse(new TextDecoder().decode(bytes)) as { offsetMs: string; pinned: string | null; mode: ControlState["mode"]; intervalMs: number };
  return { offsetMs: BigInt(v.offsetMs), pinned: v.pinned === null ? undefined : BigInt(v.pinned), mode: v.mode, intervalMs: v.intervalMs };
}
