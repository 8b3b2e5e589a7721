/**
 * Applying a block on its parent's state (protocol §4.2, §4.4): required fields, id, transaction
 * merkle root, signature by the genesis key, height, timestamp bounds, previous state merkle
 * root; then every transaction in order (reverted ones stay, failed ones reject the block —
 * or, when proposing, are left out and reported), block resource limits, and the new state root.
 */
import { bytesEqual, toHex } from "@cairn/core";
import { protocol } from "@cairn/proto";
import { blockId, matchesTransactionMerkleRoot } from "@cairn/protocol";
import { nextStateRoot } from "../state/merkle.ts";
import { type StateChange, StateLayer, type StateReader, toDeltaEntries, undoOf } from "../state/state.ts";
import type { BlockInfo, Contracts } from "./context.ts";
import { ChainError, isChainError } from "./errors.ts";
import { resourceLimits, type ChainRules } from "./rules.ts";
import { applyTransaction, type SignerResolver } from "./transaction.ts";

/** What the chain knows of a block's parent. */
export interface ParentInfo {
  id: Uint8Array;
  height: bigint;
  timestamp: bigint;
  stateRoot: Uint8Array;
}

export interface ApplyBlockInput {
  block: protocol.Block;
  parent: ParentInfo;
  /** State at the parent. */
  parentState: StateReader;
  rules: ChainRules;
  runtime: Contracts;
  signers: SignerResolver;
  /** Recovers the block signer (cached by the caller). */
  blockSigner: (block: protocol.Block) => Uint8Array;
  /** Wall clock, ms (timestamps may be at most 5 s ahead of it). */
  now: bigint;
  /** propose_block: leave failing transactions out instead of rejecting the block. */
  skipFailedTransactions?: boolean;
  /** Skip the signature and merkle checks (the producer's own freshly built block). */
  trusted?: boolean;
}

export interface AppliedBlock {
  receipt: protocol.BlockReceipt;
  /** The block's state changes, sorted by key. */
  changes: StateChange[];
  /** What those keys held at the parent. */
  undo: StateChange[];
  stateRoot: Uint8Array;
  /** Indices of transactions that failed (only with skipFailedTransactions). */
  failedTransactionIndices: number[];
  failedTransactionErrors: ChainError[];
}

/** Maximum amount a block timestamp may be ahead of the wall clock (ms). */
export const MAX_FUTURE_MS = 5_000n;

const missing = (what: string) => new ChainError("missing_required_arguments", `missing expected field in block: ${what}`);

/** The fields every block must carry. */
export function checkRequiredBlockFields(block: protocol.Block): protocol.BlockHeader {
  if (block.id.length === 0) throw missing("id");
  const h = block.header;
  if (!h) throw missing("header");
  if (h.previous.length === 0) throw missing("header.previous");
  if (h.height === 0n) throw missing("header.height");
  if (h.timestamp === 0n) throw missing("header.timestamp");
  if (h.previous_state_merkle_root.length === 0) throw missing("header.previous_state_merkle_root");
  if (h.transaction_merkle_root.length === 0) throw missing("header.transaction_merkle_root");
  if (h.signer.length === 0) throw missing("header.signer");
  if (block.signature.length === 0) throw missing("signature");
  return h;
}

/** Structural checks that need no state: required fields, id, merkle root, signature. */
export function checkBlockStructure(block: protocol.Block, rules: ChainRules, blockSigner: (b: protocol.Block) => Uint8Array): protocol.BlockHeader {
  const h = checkRequiredBlockFields(block);
  if (!bytesEqual(blockId(h), block.id)) throw new ChainError("malformed_block", "block contains an invalid block id");
  if (!matchesTransactionMerkleRoot(block.transactions, h.transaction_merkle_root)) throw new ChainError("malformed_block", "block transaction merkle root does not match its transactions");
  // Koinos (process_block_signature) answers every bad block signature the same way.
  let signer: Uint8Array;
  try {
    signer = blockSigner(block);
  } catch {
    throw ChainError.of("block_signature", {}, []);
  }
  if (!bytesEqual(signer, rules.genesisAddress) || !bytesEqual(h.signer, signer)) throw ChainError.of("block_signature", {}, []);
  return h;
}

export function applyBlock(input: ApplyBlockInput): AppliedBlock {
  const { block, parent, rules } = input;
  const h = input.trusted ? block.header! : checkBlockStructure(block, rules, input.blockSigner);
  if (!bytesEqual(h.previous, parent.id)) throw new ChainError("unknown_previous_block", `previous block 0x${toHex(h.previous)} is not the parent given`);
  if (h.height !== parent.height + 1n) throw new ChainError("unexpected_height", `block height ${h.height} does not follow its parent's height ${parent.height}`);
  if (h.timestamp <= parent.timestamp) throw new ChainError("timestamp_out_of_bounds", `block timestamp ${h.timestamp} is not after its parent's ${parent.timestamp}`);
  if (h.timestamp > input.now + MAX_FUTURE_MS) throw new ChainError("timestamp_out_of_bounds", `block timestamp ${h.timestamp} is more than 5 s in the future`);
  if (!bytesEqual(h.previous_state_merkle_root, parent.stateRoot)) throw new ChainError("state_merkle_mismatch", "block previous state merkle root does not match its parent's state merkle root");

  const blockLayer = new StateLayer(input.parentState);
  const info: BlockInfo = {
    height: h.height,
    timestamp: h.timestamp,
    headBlockTime: h.timestamp,
    signer: h.signer,
    head: { id: block.id, height: h.height, previous: h.previous, time: h.timestamp },
    block,
    parentState: input.parentState,
  };
  const limits = resourceLimits(blockLayer);
  const receipts: protocol.TransactionReceipt[] = [];
  const failed: number[] = [];
  const failedErrors: ChainError[] = [];
  let seq = 0;
  let disk = 0n;
  let net = 0n;
  let compute = 0n;
  block.transactions.forEach((tx, i) => {
    try {
      const blockComputeLeft = limits.compute_bandwidth_limit > compute ? limits.compute_bandwidth_limit - compute : 0n;
      const applied = applyTransaction({ tx, state: blockLayer, block: info, rules, runtime: input.runtime, signers: input.signers, eventSequence: seq, blockComputeLeft });
      const r = applied.receipt;
      if (disk + r.disk_storage_used > limits.disk_storage_limit || net + r.network_bandwidth_used > limits.network_bandwidth_limit || compute + r.compute_bandwidth_used > limits.compute_bandwidth_limit) {
        throw new ChainError("block_resource_failure", `transaction ${i} exceeds the block's resource limits`);
      }
      seq = applied.eventSequence;
      disk += r.disk_storage_used;
      net += r.network_bandwidth_used;
      compute += r.compute_bandwidth_used;
      receipts.push(r);
    } catch (e) {
      if (!input.skipFailedTransactions) {
        if (isChainError(e)) throw new ChainError(e.code.slice(6) as never, `transaction ${i} (0x${toHex(tx.id)}) failed: ${e.message}`, e.logs, { transaction_id: "0x" + toHex(tx.id) });
        throw e;
      }
      failed.push(i);
      failedErrors.push(isChainError(e) ? e : new ChainError("internal_error", String(e)));
    }
  });
  if (input.skipFailedTransactions && failed.length > 0) {
    // A proposed block with failures is not the block that was given: report, apply nothing.
    return { receipt: protocol.BlockReceipt.create(), changes: [], undo: [], stateRoot: parent.stateRoot, failedTransactionIndices: failed, failedTransactionErrors: failedErrors };
  }

  const changes = blockLayer.sortedChanges();
  const stateRoot = nextStateRoot(parent.stateRoot, changes);
  // Built whole, not through fromPartial, which would copy every transaction receipt again.
  const receipt: protocol.BlockReceipt = {
    id: block.id,
    height: h.height,
    disk_storage_used: disk,
    network_bandwidth_used: net,
    compute_bandwidth_used: compute,
    state_merkle_root: stateRoot,
    events: [],
    transaction_receipts: receipts,
    logs: [],
    disk_storage_charged: disk,
    network_bandwidth_charged: net,
    compute_bandwidth_charged: compute,
    state_delta_entries: toDeltaEntries(changes),
  };
  return { receipt, changes, undo: undoOf(changes, input.parentState), stateRoot, failedTransactionIndices: [], failedTransactionErrors: [] };
}
