/**
 * Block application (protocol §3.1 submit_block / propose_block): checks and applies a block on
 * its parent's state, chooses the head (fork choice, switching forks), moves the LIB, writes the
 * block store first and the chain's record second (one database transaction), then memory, then
 * the events. A proposed block is committed the same way when every transaction applies; when
 * some fail it is discarded and the failures reported, each marked temporary (could apply in a
 * later block: a nonce ahead of the account's, rc the payer lacks now, block limits) or not.
 */
import { type Logger, bytesEqual, fromHex, toHex } from "@cairn/core";
import type { BlockSink } from "@cairn/block-store/client";
import type { broadcast, protocol } from "@cairn/proto";
import { decodeNonce } from "@cairn/protocol";
import type { ContractRuntime } from "../contracts/runtime.ts";
import { type AppliedBlock, applyBlock, checkRequiredBlockFields } from "../execution/block.ts";
import { ChainError } from "../execution/errors.ts";
import type { ChainRules } from "../execution/rules.ts";
import { type ForkTreeEntry, type ForkChoice, type ForkTree } from "../fork-tree.ts";
import { type MemoryState, type StateChange, encodeChanges } from "../state/state.ts";
import type { ChainStore } from "../store/store.ts";
import type { PendingWindow } from "./pending-window.ts";
import type { SignatureCache } from "./signatures.ts";

/** A transaction a proposed block could not include. */
export interface FailedTransaction {
  index: number;
  id: Uint8Array;
  error: ChainError;
  /** True when it could still apply in a later block (it stays pending). */
  temporary: boolean;
}

/** What the block path tells the rest of the node. */
export interface BlockEvents {
  blockApplied(e: { block: protocol.Block; receipt: protocol.BlockReceipt; head: boolean; live: boolean; newLib?: ForkTreeEntry; forkHeads: broadcast.ForkHeads }): void;
  /** A transaction that can never apply (`koinos.transaction.fail` with the reason). */
  transactionFailed?(e: { id: Uint8Array; reason: string }): void;
}

/** What block application needs from the controller. */
export interface BlockHost {
  tree: ForkTree;
  state: MemoryState;
  rules: ChainRules;
  runtime: ContractRuntime;
  store: ChainStore;
  blockStore: BlockSink | undefined;
  events: BlockEvents;
  signatures: SignatureCache;
  window: PendingWindow;
  irreversibleThreshold: number;
  forkChoice: ForkChoice;
  logger: Logger;
  now(): bigint;
  forkHeads(): broadcast.ForkHeads;
  /** Reloads memory from the record (after a failed commit). */
  reload(): Promise<void>;
}

export interface BlockOutcome {
  /** The receipt; undefined when the block was already known or (proposal) was discarded. */
  receipt?: protocol.BlockReceipt;
  failed: FailedTransaction[];
}

/**
 * Applies `block` (caller holds the chain's mutex). `replay` (reindex): the block came from the
 * block store, so it is not handed back and no events are published. `propose`: failing
 * transactions are reported instead of rejecting the block, and the block is then discarded.
 */
export async function applyBlockLocked(h: BlockHost, block: protocol.Block, mode: { replay?: boolean; propose?: boolean } = {}): Promise<BlockOutcome> {
  const header = checkRequiredBlockFields(block);
  const idHex = toHex(block.id);
  if (h.tree.get(idHex)) return { failed: [] };
  if (header.height <= h.tree.lib.height) {
    const known = header.height === 0n ? undefined : await h.store.blockIdAtHeight(header.height);
    if (known && bytesEqual(known, block.id)) return { failed: [] };
    throw new ChainError("pre_irreversibility_block", `block height ${header.height} is at or below the last irreversible block ${h.tree.lib.height}`);
  }
  const parent = h.tree.get(toHex(header.previous));
  if (!parent) throw new ChainError("unknown_previous_block", "unknown previous block");

  let applied: AppliedBlock;
  try {
    applied = applyOn(h, parent, block, mode.propose ?? false);
  } catch (e) {
    const id = e instanceof ChainError && typeof e.data.transaction_id === "string" ? e.data.transaction_id : undefined;
    if (id && !mode.replay) h.events.transactionFailed?.({ id: fromHex(id.replace(/^0x/, "")), reason: e instanceof Error ? e.message : String(e) });
    throw e;
  }
  if (applied.failedTransactionIndices.length > 0) {
    const failed = applied.failedTransactionIndices.map((index, k) => {
      const error = applied.failedTransactionErrors[k]!;
      const tx = block.transactions[index]!;
      return { index, id: tx.id, error, temporary: isTemporary(error) };
    });
    for (const f of failed) if (!f.temporary) h.events.transactionFailed?.({ id: f.id, reason: f.error.message });
    return { failed };
  }
  const receipt = await commit(h, block, header, parent, applied, mode.replay ?? false);
  return { receipt, failed: [] };
}

async function commit(h: BlockHost, block: protocol.Block, header: protocol.BlockHeader, parent: ForkTreeEntry, applied: AppliedBlock, replay: boolean): Promise<protocol.BlockReceipt> {
  const idHex = toHex(block.id);
  const node: ForkTreeEntry = {
    id: block.id,
    idHex,
    height: header.height,
    previous: header.previous,
    previousHex: toHex(header.previous),
    timestamp: header.timestamp,
    stateRoot: applied.stateRoot,
    changes: encodeChanges(applied.changes),
    undo: encodeChanges(applied.undo),
    // The block and its receipt are not kept: the block store holds them (it has each block
    // before the chain commits it), and nothing here reads them again.
  };
  h.tree.add(node);
  const becomesHead = h.tree.isBetter(node, h.forkChoice);
  let stateChanges: StateChange[] = [];
  let newLib: ForkTreeEntry | undefined;
  let pruned: { removed: ForkTreeEntry[]; irreversible: ForkTreeEntry[] } = { removed: [], irreversible: [] };
  const oldHead = h.tree.head;
  if (becomesHead) {
    stateChanges = parent.idHex === oldHead.idHex ? applied.changes : [...h.tree.transition(oldHead, parent), ...applied.changes];
    const libHeight = node.height - BigInt(h.irreversibleThreshold);
    if (libHeight > h.tree.lib.height) newLib = h.tree.ancestorAt(node, libHeight);
  }
  if (h.blockStore && !replay) {
    try {
      await h.blockStore.addBlock(block, applied.receipt);
    } catch (e) {
      h.tree.remove(node.idHex);
      throw new ChainError("rpc_failure", `block store did not take block 0x${idHex}: ${(e as Error).message}`);
    }
  }
  try {
    // Head and head state change together, before the commit's await: a reader between the two
    // (a submission's nonce, the mempool asking for the head) must never see the new head over
    // the old state. A failed commit reloads both from the store below.
    if (becomesHead) {
      h.tree.head = node;
      h.state.apply(stateChanges);
    }
    if (newLib) pruned = h.tree.advanceLib(newLib);
    await h.store.commit({
      block: node,
      stateChanges,
      headId: becomesHead ? node.id : undefined,
      libId: newLib?.id,
      removed: pruned.removed.map((n) => n.id),
      irreversible: pruned.irreversible.map((n) => n.id),
    });
  } catch (e) {
    // The record did not change: put memory back as it was and fail the block.
    h.logger.error({ err: String(e), block: idHex }, "block commit failed");
    await h.reload();
    throw e;
  }
  if (becomesHead && parent.idHex !== oldHead.idHex) h.logger.info({ from: oldHead.idHex, to: idHex, height: Number(node.height) }, "fork switch");
  h.window.removeIncluded(block);
  if (!replay) h.events.blockApplied({ block, receipt: applied.receipt, head: becomesHead, live: true, newLib, forkHeads: h.forkHeads() });
  return applied.receipt;
}

/** Applies `block` on the state at `parent` (nothing is kept; the caller decides). */
function applyOn(h: BlockHost, parent: ForkTreeEntry, block: protocol.Block, skipFailedTransactions: boolean): AppliedBlock {
  return applyBlock({
    block,
    parent,
    parentState: h.tree.stateAt(parent, h.state),
    rules: h.rules,
    runtime: h.runtime,
    signers: (tx, digest) => h.signatures.transactionSigners(tx, digest),
    blockSigner: (b) => h.signatures.blockSigner(b),
    now: h.now(),
    skipFailedTransactions,
  });
}

/**
 * Whether a transaction refused in a block could apply in a later one: its nonce is ahead of the
 * account's (an earlier one is still to come), the payer lacks the rc now (mana regenerates), or
 * the block was full.
 */
export function isTemporary(e: ChainError): boolean {
  if (e.rejection === "payer_rc_below_limit" || e.code === "chain.block_resource_failure") return true;
  if (e.rejection === "invalid_transaction_nonce") {
    try {
      const n = decodeNonce(fromHex(String(e.data.n).replace(/^0x/, "")));
      const c = decodeNonce(fromHex(String(e.data.c).replace(/^0x/, "")));
      return n > c + 1n;
    } catch {
      return false;
    }
  }
  return false;
}
