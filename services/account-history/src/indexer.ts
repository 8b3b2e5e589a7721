/**
 * Keeps the read model equal to the history of the chain head's branch.
 *
 * - A head block that extends the applied head is applied as it comes (one transaction).
 * - A head block that is already applied (a redelivery, or a block a catch-up already fetched)
 *   changes nothing.
 * - Anything else (a fork switch, or a gap after downtime) is a catch-up: find the fork point
 *   between the applied chain and the chain head through the block source, delete what is above it
 *   and apply the head's branch from there, in batches, each batch one transaction that also moves
 *   the recorded head. The revert and the first batch share a transaction, so readers never see a
 *   history shortened by a fork switch.
 * - Blocks that are not head (side forks) are ignored until a head block on their branch arrives.
 *
 * Every write names the head it was planned against; if another writer moved it first, the step
 * is planned again (see AccountHistoryStore.apply). Calls are serialised within the process.
 */
import { CairnError, ErrorStatus, type Logger, Mutex, bytesEqual, toHex } from "@cairn/core";
import type { broadcast, protocol } from "@cairn/proto";
import { findCommonAncestor } from "./ancestor.ts";
import type { BlockWithReceipt } from "@cairn/block-store/client";
import type { BlockRef } from "@cairn/protocol";
import { AccountHistoryErrorCode, badBlockSource } from "./errors.ts";
import type { AccountHistoryMetrics } from "./metrics.ts";
import type { HistoryBlocks, HistoryChain } from "./ports.ts";
import type { AccountHistoryStore, ApplyPlan, ApplyResult } from "./store/store.ts";

/** What handling one event or one catch-up did. */
export type SyncOutcome = "applied" | "duplicate" | "ignored" | "synced" | "up_to_date";

/** Tuning of the indexer. */
export interface IndexerOptions {
  /** Blocks fetched and applied per transaction during catch-up. Default 100. */
  batchSize?: number;
  /** Times a step is planned again after another writer moved the head. Default 10. */
  maxAttempts?: number;
}

/** What the indexer uses. */
export interface IndexerDeps {
  store: AccountHistoryStore;
  blocks: HistoryBlocks;
  chain: HistoryChain;
  logger: Logger;
  metrics?: AccountHistoryMetrics;
}

const sameRef = (a: BlockRef, b: BlockRef) => a.height === b.height && bytesEqual(a.id, b.id);
const refOf = (b: protocol.Block): BlockRef => ({ id: b.id, height: b.header?.height ?? 0n });

/** Applies head blocks, fork switches and catch-ups to the account history store. */
export class AccountHistoryIndexer {
  private readonly mutex = new Mutex();
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  /** The chain head the last head check saw. */
  private seenHead: BlockRef | undefined;

  constructor(
    private readonly deps: IndexerDeps,
    options: IndexerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  /** `koinos.block.accept`: applies a head block, or catches up when it does not extend the applied head. */
  blockAccepted(e: broadcast.BlockAccepted): Promise<SyncOutcome> {
    const { block, receipt } = e;
    if (!e.head || !block || !receipt) return Promise.resolve("ignored");
    return this.mutex.run(() => this.headBlock({ block, receipt }));
  }

  /** `koinos.block.irreversible`: raises the LIB. */
  async irreversible(e: broadcast.BlockIrreversible): Promise<void> {
    const height = e.topology?.height ?? 0n;
    await this.deps.store.setLib(height);
    this.deps.metrics?.libHeight.set(Number(height));
  }

  /** Brings the read model to the chain head (start, and whenever asked). */
  catchUp(): Promise<SyncOutcome> {
    return this.mutex.run(async () => {
      const info = await this.deps.chain.headInfo();
      await this.deps.store.setLib(info.lib);
      this.deps.metrics?.libHeight.set(Number(info.lib));
      return this.syncTo(info.head);
    });
  }

  /**
   * The periodic head check: asks the chain for its head and, when the applied head is still below
   * the head the previous check saw — events had a whole interval to bring it and did not (a
   * durable consumer that stopped delivering) — catches up from the block store. True when it did.
   */
  async headCheck(): Promise<boolean> {
    const info = await this.deps.chain.headInfo();
    this.deps.metrics?.chainHeadHeight.set(Number(info.head.height));
    const seen = this.seenHead;
    this.seenHead = info.head;
    const { head } = await this.deps.store.progress();
    if (seen === undefined || head.height >= seen.height) return false;
    this.deps.logger.warn({ applied: Number(head.height), chainHead: Number(info.head.height) }, "account history behind the chain head: catching up from the block store");
    this.deps.metrics?.resyncs.inc();
    await this.catchUp();
    return true;
  }

  private async headBlock(b: BlockWithReceipt): Promise<SyncOutcome> {
    const ref = refOf(b.block);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const { head } = await this.deps.store.progress();
      if (ref.height === head.height + 1n && bytesEqual(b.block.header?.previous ?? new Uint8Array(), head.id)) {
        const r = await this.write({ expectedHead: head, blocks: [b] }, "event");
        if (r.outcome === "applied") return "applied";
        continue;
      }
      if (await this.isApplied(ref)) return "duplicate";
      return this.syncTo(await this.catchUpTarget(ref));
    }
    throw contention(this.maxAttempts);
  }

  /** The chain head; the event's own block when the chain cannot be asked. */
  private async catchUpTarget(fallback: BlockRef): Promise<BlockRef> {
    try {
      const info = await this.deps.chain.headInfo();
      await this.deps.store.setLib(info.lib);
      return info.head.height >= fallback.height ? info.head : fallback;
    } catch (err) {
      this.deps.logger.warn({ err: String(err), target: toHex(fallback.id) }, "chain head unavailable: catching up to the event's block");
      return fallback;
    }
  }

  private async isApplied(ref: BlockRef): Promise<boolean> {
    const [row] = await this.deps.store.appliedBlocks(ref.height, ref.height);
    return row !== undefined && bytesEqual(row.id, ref.id);
  }

  /** Makes the applied chain end at `target` unless `target` is already on it. */
  private async syncTo(target: BlockRef): Promise<SyncOutcome> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const { head } = await this.deps.store.progress();
      if (sameRef(head, target)) return "up_to_date";
      const ancestor = await findCommonAncestor(this.deps.store, this.deps.blocks, head, target);
      if (ancestor.height === target.height) return "up_to_date"; // target is on the applied chain
      const revertTo = ancestor.height < head.height ? ancestor : undefined;
      if (revertTo) this.deps.logger.info({ from: toHex(head.id), height: Number(head.height), ancestor: Number(ancestor.height), to: toHex(target.id), targetHeight: Number(target.height) }, "fork switch");
      if (await this.applyBranch(head, revertTo, ancestor, target)) {
        if (revertTo) this.deps.metrics?.forkSwitches.inc();
        return "synced";
      }
    }
    throw contention(this.maxAttempts);
  }

  /** Applies `target`'s branch above `ancestor` in batches; false when another writer got in first. */
  private async applyBranch(head: BlockRef, revertTo: BlockRef | undefined, ancestor: BlockRef, target: BlockRef): Promise<boolean> {
    let expected = head;
    for (let h = ancestor.height + 1n; h <= target.height; h += BigInt(this.batchSize)) {
      const left = Number(target.height - h + 1n);
      const blocks = await this.deps.blocks.blocksWithReceiptsByHeight(target.id, h, Math.min(this.batchSize, left));
      if (blocks.length === 0) throw badBlockSource("block store returned no blocks for the target's branch", { target: toHex(target.id), from: String(h) });
      const r = await this.write({ expectedHead: expected, revertTo: h === ancestor.height + 1n ? revertTo : undefined, blocks }, "catch_up");
      if (r.outcome === "conflict") return false;
      expected = r.head;
    }
    return true;
  }

  private async write(plan: ApplyPlan, source: "event" | "catch_up"): Promise<ApplyResult> {
    const m = this.deps.metrics;
    const end = m?.applySeconds.startTimer();
    const r = await this.deps.store.apply(plan);
    end?.();
    if (r.outcome === "conflict") {
      m?.conflicts.inc();
      this.deps.logger.debug({ expected: toHex(plan.expectedHead.id), found: toHex(r.head.id) }, "head moved by another writer: planning again");
      return r;
    }
    m?.blocksApplied.inc({ source }, plan.blocks.length);
    m?.blocksReverted.inc(r.reverted);
    m?.entriesWritten.inc(r.entries);
    m?.headHeight.set(Number(r.head.height));
    return r;
  }
}

function contention(attempts: number): CairnError {
  return new CairnError(AccountHistoryErrorCode.Contention, "the read model kept moving under another writer", { status: ErrorStatus.Aborted, data: { attempts } });
}
