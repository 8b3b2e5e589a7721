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
 *   more than `republishAfterMs` ago is looked up in the mempool, which answers which it holds
 *   and which it failed (its failure log: refused — pool full, account limit, nonce taken,
 *   malformed —, expired, or reported failed on the bus):
 *   - held → it leaves the window (the mempool is the authority from then on);
 *   - failed → it leaves the window: it ended explicitly, `koinos.transaction.fail` is published;
 *   - neither → the mempool has not seen it: its accept was lost, or is still on its way to a
 *     mempool that is behind (a slow consumer). It stays in the window — it keeps counting against
 *     the mempool's free places at submission — and its `koinos.transaction.accept` is published
 *     again `republishAfterMs` after its first publish, then after twice that, four times that …
 *     (at most `maxRepublish` times: a mempool that is behind gets few extra copies). Once
 *     `deliveryTimeoutMs` has passed since its acceptance, the chain ends it itself: it publishes
 *     `koinos.transaction.fail` (the mempool records and drops it, clients see the failure) and
 *     removes it, never silently;
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
  /**
   * A window entry not confirmed by the mempool this long after its publish is checked, ms; the
   * n-th republish comes `republishAfterMs · 2^(n-1)` after the one before.
   */
  republishAfterMs: number;
  /** Publishes of one transaction after the first, at most. */
  maxRepublish: number;
  /**
   * An entry the mempool has neither taken nor failed this long after its acceptance is ended by
   * the chain (`koinos.transaction.fail`), ms.
   */
  deliveryTimeoutMs: number;
  /** How long an entry counts without a mempool to ask, ms (the shadow's grace). */
  graceMs: number;
  /** Window entries checked per audit at most (the oldest first). */
  maxPerAudit: number;
}

/** What the audit reads and publishes through. */
export interface DeliveryAuditDeps {
  window: PendingWindow;
  mempool?: Pick<MempoolChecks, "delivery">;
  blockStore?: Partial<Pick<BlockSource, "highest" | "blocksWithReceiptsByHeight">>;
  head(): ForkTreeEntry;
  /** The head block and receipt when the chain still has them in memory. */
  headBlock(): BlockWithReceipt | undefined;
  publishTransaction(tx: protocol.Transaction, receipt: protocol.TransactionReceipt): Promise<void>;
  publishHeadAccept(block: protocol.Block, receipt: protocol.BlockReceipt): Promise<void>;
  /** Publishes `koinos.transaction.fail`; settles once the bus stored it. */
  publishFailure(id: Uint8Array, reason: string): Promise<void>;
  logger: Logger;
  /** Clock in ms, the window's (tests). Default `Date.now`. */
  now?: () => number;
}

/** What one audit did. */
export interface AuditResult {
  /** Window entries the mempool holds (they left the window). */
  confirmed: number;
  /** Window entries the mempool failed (they left the window: their failure is on the bus). */
  failed: number;
  /** Accepts published again. */
  republished: number;
  /** Window entries the mempool never took within `deliveryTimeoutMs`: the chain published their failure. */
  expired: number;
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
  private readonly now: () => number;

  constructor(
    private readonly opts: DeliveryAuditOptions,
    private readonly deps: DeliveryAuditDeps,
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** One audit; unreachable mempool or block store: that part waits for the next audit. */
  async run(): Promise<AuditResult> {
    const result: AuditResult = { confirmed: 0, failed: 0, republished: 0, expired: 0, headRepublished: false };
    // The head first: it is one call, and a mempool that missed the head holds up every block.
    result.headRepublished = await this.headBlock().catch((e: unknown) => {
      this.deps.logger.debug({ err: String(e) }, "delivery audit: head not checked");
      return false;
    });
    await this.transactions(result).catch((e: unknown) => this.deps.logger.debug({ err: String(e) }, "delivery audit: transactions not checked"));
    if (result.republished > 0 || result.expired > 0 || result.headRepublished) this.deps.logger.warn({ ...result }, "delivery audit: published again what the bus did not deliver");
    return result;
  }

  private async transactions(result: AuditResult): Promise<void> {
    const { window, mempool } = this.deps;
    if (window.size === 0) return;
    if (!mempool) {
      for (const e of window.olderThan(this.opts.graceMs)) window.remove(e.id);
      return;
    }
    // The oldest first, a bounded number per audit: an audit stays short under a backlog (and a
    // mempool that is behind takes the oldest first too).
    const stale = window.olderThan(this.opts.republishAfterMs).slice(0, this.opts.maxPerAudit);
    for (let i = 0; i < stale.length; i += IDS_PER_QUERY) {
      const chunk = stale.slice(i, i + IDS_PER_QUERY);
      const { held, failed } = await mempool.delivery(chunk.map((e) => e.id));
      result.confirmed += window.confirm(held);
      result.failed += window.confirm(failed);
      const now = this.now();
      const expired: WindowEntry[] = [];
      const due: WindowEntry[] = [];
      for (const e of chunk) {
        if (!window.has(e.idHex)) continue;
        if (now - e.acceptedAt >= this.opts.deliveryTimeoutMs) expired.push(e);
        else if (e.republished < this.opts.maxRepublish && now - e.at >= this.opts.republishAfterMs * 2 ** e.republished) due.push(e);
      }
      for (let k = 0; k < expired.length; k += PUBLISHES_AT_ONCE) await Promise.all(expired.slice(k, k + PUBLISHES_AT_ONCE).map((e) => this.expire(e, now, result)));
      for (let k = 0; k < due.length; k += PUBLISHES_AT_ONCE) await Promise.all(due.slice(k, k + PUBLISHES_AT_ONCE).map((e) => this.republish(e, result)));
    }
  }

  private async republish(e: WindowEntry, result: AuditResult): Promise<void> {
    await this.deps.publishTransaction(e.tx, e.receipt);
    this.deps.window.republished(e);
    result.republished++;
  }

  /**
   * Ends a transaction the mempool never took: its failure is published (awaited: a failed publish
   * leaves it in the window for the next audit), then it leaves the window.
   */
  private async expire(e: WindowEntry, now: number, result: AuditResult): Promise<void> {
    const reason = `expired: the mempool did not take the transaction within ${formatMs(this.opts.deliveryTimeoutMs)} of its acceptance`;
    await this.deps.publishFailure(e.id, reason);
    this.deps.window.remove(e.id);
    result.expired++;
    this.deps.logger.warn({ tx: e.idHex, ageMs: now - e.acceptedAt, republished: e.republished }, "delivery audit: the mempool never took the transaction, its failure is published");
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

/** `120 s`, `1.5 s`, `250 ms`. */
function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}
