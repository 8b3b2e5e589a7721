/**
 * The delivery audit: what the chain published must reach the mempool and the block store even
 * when the bus did not deliver it. Block events are not awaited (the block is committed by then),
 * so a `koinos.block.accept` published while the bus is down is never stored, and the block store
 * keeps that block uncommitted. A transaction's accept is awaited, but a bus acknowledgement
 * only says the server stored it: a stream on memory storage, a lost disk or a recreated stream
 * loses what was acknowledged (a file-backed JetStream server killed with SIGKILL kept every
 * acknowledged message in our probes). So the chain checks, every audit, that delivery happened
 * and publishes again when it did not (consumers handle every event idempotently):
 *
 * - **transactions**: each window entry (an accepted transaction not yet in a block) published
 *   more than `republishAfterMs` ago is looked up in the mempool; held → it leaves the window,
 *   not held → its `koinos.transaction.accept` is published again, at most `maxRepublish` times
 *   (a mempool that refuses it publishes `koinos.transaction.fail`, so it ends explicitly);
 * - **the head block**: when the block store's highest committed block is below the chain head
 *   (or a sibling of it) on two audits in a row with the same head, the head's
 *   `koinos.block.accept` is published again (it marks the head and its uncommitted ancestors
 *   committed in the block store, and brings a mempool or account history that missed it up to
 *   the head).
 *
 * Without a mempool the window cannot be checked: entries leave it after the shadow's grace.
 */
import { type Logger, toHex } from "@cairn/core";
import type { BlockSource, BlockWithReceipt } from "@cairn/block-store/client";
import type { MempoolChecks } from "@cairn/mempool/client";
import type { protocol } from "@cairn/proto";
import type { ForkTreeEntry } from "../fork-tree.ts";
import type { PendingWindow, WindowEntry } from "./pending-window.ts";

/** Audit settings (chain options). */
export interface DeliveryAuditOptions {
  /** A window entry not confirmed by the mempool this long after its publish is checked, ms. */
  republishAfterMs: number;
  /** Publishes of one transaction after the first, at most. */
  maxRepublish: number;
  /** How long an entry counts without a mempool to ask, ms (the shadow's grace). */
  graceMs: number;
  /** Window entries checked per audit at most (the oldest first). */
  maxPerAudit: number;
}

/** What the audit reads and publishes through. */
export interface DeliveryAuditDeps {
  window: PendingWindow;
  mempool?: Pick<MempoolChecks, "pendingIds">;
  blockStore?: Partial<Pick<BlockSource, "highest" | "blocksWithReceiptsByHeight">>;
  head(): ForkTreeEntry;
  /** The head block and receipt when the chain still has them in memory. */
  headBlock(): BlockWithReceipt | undefined;
  publishTransaction(tx: protocol.Transaction, receipt: protocol.TransactionReceipt): Promise<void>;
  publishHeadAccept(block: protocol.Block, receipt: protocol.BlockReceipt): Promise<void>;
  logger: Logger;
}

/** What one audit did. */
export interface AuditResult {
  confirmed: number;
  republished: number;
  droppedTransactions: number;
  headRepublished: boolean;
}

/** Ids asked from the mempool at once. */
const IDS_PER_QUERY = 1000;
/** Least time between two republishes of the same head's accept, ms. */
const REPUBLISH_HEAD_EVERY_MS = 10_000;
/** Republishes in flight at once (the bus pipelines them). */
const PUBLISHES_AT_ONCE = 100;

export class DeliveryAudit {
  /** The head (hex id) the block store was behind on at the last audit. */
  private behindOn: string | undefined;
  /** The last head whose accept was published again, and when. */
  private repairedHead: string | undefined;
  private repairedAt = 0;

  constructor(
    private readonly opts: DeliveryAuditOptions,
    private readonly deps: DeliveryAuditDeps,
  ) {}

  /** One audit; unreachable mempool or block store: that part waits for the next audit. */
  async run(): Promise<AuditResult> {
    const result: AuditResult = { confirmed: 0, republished: 0, droppedTransactions: 0, headRepublished: false };
    // The head first: it is one call, and a mempool that missed the head holds up every block.
    result.headRepublished = await this.headBlock().catch((e: unknown) => {
      this.deps.logger.debug({ err: String(e) }, "delivery audit: head not checked");
      return false;
    });
    await this.transactions(result).catch((e: unknown) => this.deps.logger.debug({ err: String(e) }, "delivery audit: transactions not checked"));
    if (result.republished > 0 || result.droppedTransactions > 0 || result.headRepublished) this.deps.logger.warn({ ...result }, "delivery audit: published again what the bus did not deliver");
    return result;
  }

  private async transactions(result: AuditResult): Promise<void> {
    const { window, mempool } = this.deps;
    if (window.size === 0) return;
    if (!mempool) {
      for (const e of window.olderThan(this.opts.graceMs)) window.remove(e.id);
      return;
    }
    // The oldest first, a bounded number per audit: an audit stays short under a backlog.
    const stale = window.olderThan(this.opts.republishAfterMs).slice(0, this.opts.maxPerAudit);
    for (let i = 0; i < stale.length; i += IDS_PER_QUERY) {
      const chunk = stale.slice(i, i + IDS_PER_QUERY);
      const held = await mempool.pendingIds(chunk.map((e) => e.id));
      window.confirm(held);
      result.confirmed += held.size;
      const missing = chunk.filter((e) => !held.has(e.idHex) && window.has(e.idHex));
      for (let k = 0; k < missing.length; k += PUBLISHES_AT_ONCE) await Promise.all(missing.slice(k, k + PUBLISHES_AT_ONCE).map((e) => this.republish(e, result)));
    }
  }

  private async republish(e: WindowEntry, result: AuditResult): Promise<void> {
    if (e.republished >= this.opts.maxRepublish) {
      // Refused by the mempool every time (it published `koinos.transaction.fail` each time).
      this.deps.window.remove(e.id);
      result.droppedTransactions++;
      return;
    }
    await this.deps.publishTransaction(e.tx, e.receipt);
    this.deps.window.republished(e);
    result.republished++;
  }

  /** Publishes the head's accept again when the block store stayed behind it; true when it did. */
  private async headBlock(): Promise<boolean> {
    const store = this.deps.blockStore;
    if (!store?.highest) return false;
    const head = this.deps.head();
    if (head.height === 0n) return false;
    const highest = await store.highest();
    // Behind: lower, or a sibling at the head's height that the head's accept has not been
    // published again for (two committed blocks at one height may answer either: once is enough).
    const behind = !highest || highest.height < head.height || (highest.height === head.height && toHex(highest.id) !== head.idHex && this.repairedHead !== head.idHex);
    if (!behind) {
      this.behindOn = undefined;
      return false;
    }
    // One audit behind may be an event on its way: act on the second. A block store still behind
    // right after a republish is catching up: give it `REPUBLISH_HEAD_EVERY_MS`.
    if (this.behindOn !== head.idHex) {
      this.behindOn = head.idHex;
      return false;
    }
    if (this.repairedHead === head.idHex && Date.now() - this.repairedAt < REPUBLISH_HEAD_EVERY_MS) return false;
    let found = this.deps.headBlock();
    if (!found || toHex(found.block.id) !== head.idHex) {
      const [fromStore] = store.blocksWithReceiptsByHeight ? await store.blocksWithReceiptsByHeight(head.id, head.height, 1) : [];
      found = fromStore && toHex(fromStore.block.id) === head.idHex ? fromStore : undefined;
    }
    if (!found) {
      this.deps.logger.warn({ head: head.idHex, height: Number(head.height) }, "delivery audit: the block store is behind the head and the head block is not at hand");
      return false;
    }
    await this.deps.publishHeadAccept(found.block, found.receipt);
    this.behindOn = undefined;
    this.repairedHead = head.idHex;
    this.repairedAt = Date.now();
    return true;
  }
}
