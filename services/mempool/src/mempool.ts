/**
 * The mempool controller: the pending set (in memory, the database as the record) and every rule
 * that changes it — additions from `koinos.transaction.accept` (idempotent, within limits;
 * acknowledged only once durable), removals for included, failed and expired transactions, gap
 * fill and fork handling when a head block does not extend the last one applied (the abandoned
 * branch's transactions come back, then nonces are re-validated), catch-up at start. A
 * transaction it drops without a block (refused, expired, successor of a failed one, stale after
 * a fork) is reported through `onFailed` (`koinos.transaction.fail` with the reason), so a
 * receipted transaction never disappears in silence. Every mutation runs under one mutex, so
 * events, the expiry sweep and catch-up never interleave; reads (`queries`) are lock-free.
 */
import { type Logger, Mutex, bytesEqual, retryWithBackoff, toHex } from "@cairn/core";
import type { broadcast, protocol } from "@cairn/proto";
import { type BlockRef, IRREVERSIBLE_THRESHOLD, ZERO_ID } from "@cairn/protocol";
import { scanBranch } from "./branch-scan.ts";
import { Inclusions } from "./inclusions.ts";
import { type MempoolMetrics, type RejectionReason, type RemovalReason, createMempoolMetrics } from "./metrics.ts";
import { type PendingEntry, entryFromAccepted, entryFromRecord, recordOf } from "./pending/entry.ts";
import { FailureLog } from "./pending/failures.ts";
import { PendingPool } from "./pending/pool.ts";
import { RecentIds } from "./pending/recent.ts";
import type { MempoolBlocks, MempoolChain } from "./ports.ts";
import { MempoolQueries } from "./queries.ts";
import type { MempoolStore } from "./store/store.ts";
import { WriteBehind } from "./write-behind.ts";

/** The controller's settings (the service options supply the first four). */
export interface MempoolControllerOptions {
  /** A pending transaction older than this is dropped by the sweep, ms. */
  expirationMs: number;
  /** Pending transactions in all; a new one beyond it is not kept. */
  maxPendingTransactions: number;
  /** Pending transactions per nonce account; a new one beyond it is not kept. */
  maxPendingPerAccount: number;
  /** How deep below the last applied head a fork switch can reach (the chain's head − LIB distance). */
  irreversibleThreshold: number;
  /** How long additions wait to be committed together, ms. */
  flushDelayMs: number;
}

/** Defaults of {@link MempoolControllerOptions}. */
export const defaultMempoolControllerOptions: MempoolControllerOptions = {
  expirationMs: 120_000,
  maxPendingTransactions: 10_000,
  maxPendingPerAccount: 1_000,
  irreversibleThreshold: IRREVERSIBLE_THRESHOLD,
  flushDelayMs: 5,
};

/** What the controller uses. */
export interface MempoolDeps {
  store: MempoolStore;
  chain: MempoolChain;
  blocks: MempoolBlocks;
  logger: Logger;
  metrics?: MempoolMetrics;
  /** Called after each addition is durable (the node publishes it as `koinos.mempool.accept`). */
  onAccepted?: (accepted: broadcast.MempoolAccepted) => void;
  /** Called for each transaction dropped without a block (the node publishes `koinos.transaction.fail`). */
  onFailed?: (failed: { id: Uint8Array; reason: string }) => void;
  /** Clock in ms (tests inject one). Default `Date.now`. */
  now?: () => number;
}

/** What happened to a `koinos.transaction.accept`. */
export type AddOutcome = "added" | "duplicate" | RejectionReason;

/** The reason a dropped transaction is reported with. */
const FAILURE_TEXT: Record<RemovalReason, string> = {
  included: "included in a block",
  failed: "failed",
  expired: "expired: not included in a block before the mempool's expiration",
  stale_nonce: "its nonce was used by another transaction",
  nonce_gap: "an earlier nonce of its account can no longer apply",
};

/** Failed transactions remembered for `get_failed_transactions`. */
const FAILURES_KEPT = 100_000;

/** Confirmed nonces asked from the chain at once during a fork re-validation. */
const NONCE_QUERY_CONCURRENCY = 32;

/** The pending set and its rules. Construct, `load()`, `catchUp()`, then feed events. */
export class Mempool {
  readonly pool = new PendingPool();
  /** The read side (RPCs, the chain's checks). */
  readonly queries: MempoolQueries;
  /** Transactions that ended without a block, with the reason (bounded, newest kept). */
  readonly failures = new FailureLog(FAILURES_KEPT);
  /** Transactions the applied blocks of this branch included (a late redelivered accept is a duplicate). */
  private readonly included = new RecentIds(FAILURES_KEPT);
  private head: BlockRef | undefined;
  /** The chain head (hex id) `resync` last found the pending set behind. */
  private behindOn: string | undefined;
  private nextSequence = 1n;
  private readonly mutex = new Mutex();
  private readonly writer: WriteBehind;
  private readonly metrics: MempoolMetrics;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(
    readonly config: MempoolControllerOptions,
    private readonly deps: MempoolDeps,
  ) {
    this.log = deps.logger;
    this.queries = new MempoolQueries(this.pool, config.maxPendingTransactions);
    this.metrics = deps.metrics ?? createMempoolMetrics();
    this.now = deps.now ?? Date.now;
    this.writer = new WriteBehind(deps.store, { delayMs: config.flushDelayMs, retryMs: 1_000 }, deps.logger);
  }

  /** The last head block the pending set reflects (undefined before the first catch-up). */
  get lastApplied(): BlockRef | undefined {
    return this.head;
  }

  /** Loads the pending set and progress from the store. */
  async load(): Promise<void> {
    const loaded = await this.deps.store.load();
    for (const r of loaded.pending) {
      const e = entryFromRecord(r);
      if (!this.pool.has(e.idHex) && !this.pool.withNonce(e.nonceAccountHex, e.nonce)) this.pool.add(e);
      if (r.sequence >= this.nextSequence) this.nextSequence = r.sequence + 1n;
    }
    this.head = loaded.progress;
    this.metrics.pending.set(this.pool.size);
    this.log.info({ pending: this.pool.size, height: this.head ? Number(this.head.height) : undefined }, "mempool loaded");
  }

  /**
   * Drops expired transactions, then brings the pending set up to the chain head (see
   * `reconcile`), retrying with backoff while chain or block store are unreachable, until
   * `signal` aborts. Holds the lock throughout, so events wait until it is done.
   */
  catchUp(signal?: AbortSignal): Promise<void> {
    return this.mutex.run(() => {
      this.expireLocked();
      return retryWithBackoff(
        async () => {
          const { head } = await this.deps.chain.headInfo();
          if (this.head && bytesEqual(this.head.id, head.id)) return;
          await this.reconcile(head, undefined);
        },
        { what: "chain head and block store for catch-up", signal, logger: this.log },
      );
    });
  }

  /**
   * Catches up with the chain head when the pending set has stayed behind it on two calls in a row
   * with the same chain head (its `koinos.block.accept` was not delivered: a bus outage, a message
   * the bus lost). A head only one call old may be an event on its way, so it is left to the bus.
   * Resolves true when it caught up.
   */
  async resync(): Promise<boolean> {
    const { head } = await this.deps.chain.headInfo();
    return this.mutex.run(async () => {
      const last = this.head;
      if (!last || head.height <= last.height) {
        this.behindOn = undefined;
        return false;
      }
      const key = toHex(head.id);
      if (this.behindOn !== key) {
        this.behindOn = key;
        return false;
      }
      this.behindOn = undefined;
      this.log.warn({ from: Number(last.height), to: Number(head.height) }, "mempool behind the chain head: catching up from the block store");
      await this.reconcile(head, undefined);
      return true;
    });
  }

  /**
   * Handles `koinos.transaction.accept`; resolves once the addition is durable (the bus
   * acknowledges the event only then, so a crash never loses an acknowledged transaction).
   * Group commit: accepts handled concurrently share one transaction — the first waits for its own
   * commit, those added meanwhile are committed together by the next flush, and each resolves only
   * after the commit that holds it (a failed commit rejects, so the bus redelivers).
   */
  async transactionAccepted(msg: broadcast.TransactionAccepted): Promise<AddOutcome> {
    const { outcome, accepted } = await this.mutex.run(() => this.add(msg));
    // A redelivered accept (its first write failed) is a duplicate in memory: commit it too.
    if (outcome === "added" || outcome === "duplicate") await this.writer.flush();
    if (accepted) this.deps.onAccepted?.(accepted);
    return outcome;
  }

  /** Handles `koinos.block.accept`. */
  blockAccepted(msg: broadcast.BlockAccepted): Promise<void> {
    return this.mutex.run(() => this.applyBlock(msg));
  }

  /**
   * Handles `koinos.transaction.fail`: drops that transaction, as koinos-mempool does. Its
   * account's later nonces stay: the failure may be a transaction already mined elsewhere, and
   * those that can no longer apply are refused for the moment in blocks until they expire.
   */
  transactionFailed(id: Uint8Array, reason = ""): Promise<boolean> {
    return this.mutex.run(() => {
      this.failures.record(id, reason);
      const e = this.pool.get(toHex(id));
      if (!e) return false;
      this.removeEntry(e, "failed");
      this.metrics.pending.set(this.pool.size);
      return true;
    });
  }

  /** Drops transactions older than `expirationMs`; resolves with how many left. */
  sweepExpired(): Promise<number> {
    return this.mutex.run(() => this.expireLocked());
  }

  /** Commits buffered changes now. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Waits for running work, commits what is buffered and stops background commits. */
  async close(): Promise<void> {
    await this.mutex.run(() => undefined);
    this.writer.stop();
    await this.writer.flush();
  }

  // ---------------------------------------------------------------------------------- mutations

  private add(msg: broadcast.TransactionAccepted): { outcome: AddOutcome; accepted?: broadcast.MempoolAccepted } {
    let e: PendingEntry;
    try {
      e = entryFromAccepted(msg, this.nextSequence, this.now());
    } catch (err) {
      return { outcome: this.reject("malformed", { err: String(err) }, msg.transaction?.id) };
    }
    if (this.pool.has(e.idHex) || this.included.has(e.idHex)) return { outcome: "duplicate" };
    const ctx = { tx: e.idHex, account: e.nonceAccountHex, nonce: String(e.nonce) };
    if (this.pool.size >= this.config.maxPendingTransactions) return { outcome: this.reject("pool_full", ctx, e.id) };
    if (this.pool.countOf(e.nonceAccountHex) >= this.config.maxPendingPerAccount) return { outcome: this.reject("account_limit", ctx, e.id) };
    if (this.pool.withNonce(e.nonceAccountHex, e.nonce)) return { outcome: this.reject("nonce_taken", ctx, e.id) };
    this.nextSequence++;
    this.pool.add(e);
    this.failures.forget(e.id);
    this.writer.put(e.idHex, recordOf(e));
    this.metrics.accepted.inc();
    this.metrics.pending.set(this.pool.size);
    return { outcome: "added", accepted: { transaction: e.tx, receipt: msg.receipt, height: msg.height, pending_rc_used: this.pool.reservedRc(e.payerHex) } };
  }

  /** A transaction the chain accepted but the mempool cannot keep: logged and reported as failed. */
  private reject(reason: RejectionReason, ctx: Record<string, unknown>, id: Uint8Array | undefined): RejectionReason {
    this.metrics.rejected.inc({ reason });
    this.log.warn({ ...ctx, reason }, "transaction not kept");
    if (id && id.length > 0) this.fail(id, `mempool refused the transaction: ${reason.replace(/_/g, " ")}`);
    return reason;
  }

  private async applyBlock(msg: broadcast.BlockAccepted): Promise<void> {
    const block = msg.block;
    const header = block?.header;
    if (!block || !header) {
      this.log.warn({}, "block.accept without block header ignored");
      return;
    }
    // A side-fork block changes nothing yet: if its branch becomes the head, the head block that
    // does so does not extend the last applied one and the branch is re-read (reconcile).
    if (!msg.head) return;
    const target: BlockRef = { id: block.id, height: header.height };
    const last = this.head;
    if (last && bytesEqual(last.id, block.id)) return this.removeBlockTransactions(block);
    if (last && target.height < last.height) return this.applyOldBlock(block, last);
    if (!last || (target.height === last.height + 1n && bytesEqual(header.previous, last.id))) {
      this.removeBlockTransactions(block);
      await this.commitHead(target);
      return;
    }
    await this.reconcile(target, block);
  }

  /**
   * A re-delivered block below the last applied one (after a restart the bus replays what the
   * catch-up already covered, transaction accepts included): its transactions go again if it is
   * on our branch, which the block store is asked only when one of them is pending.
   */
  private async applyOldBlock(block: protocol.Block, last: BlockRef): Promise<void> {
    if (!block.transactions.some((tx) => this.pool.has(toHex(tx.id)))) return;
    const [onBranch] = await this.deps.blocks.blocksByHeight(last.id, block.header!.height, 1);
    if (onBranch && bytesEqual(onBranch.id, block.id)) this.removeBlockTransactions(block);
  }

  private removeBlockTransactions(block: protocol.Block): void {
    const inc = new Inclusions();
    inc.addBlock(block);
    this.removeIncluded(inc);
    this.metrics.pending.set(this.pool.size);
  }

  /**
   * Makes the pending set reflect head `target` (given with its `block` when it came as an
   * event): reads the branch below it from the block store, from `irreversibleThreshold` blocks
   * under the last applied height (no fork reaches deeper) up to the target, removes what it
   * includes, and when the branch no longer contains the last applied block (a fork switch)
   * re-validates every account's pending nonces against the chain.
   */
  private async reconcile(target: BlockRef, block: protocol.Block | undefined): Promise<void> {
    const last = this.head ?? { id: ZERO_ID, height: 0n };
    // With nothing pending and no block applied yet there is nothing to remove or bring back.
    // (With nothing pending after blocks, a fork switch may still bring transactions back.)
    if (this.pool.size === 0 && last.height === 0n) {
      await this.commitHead(target);
      return;
    }
    const inc = new Inclusions();
    if (block) inc.addBlock(block);
    const low = last.height < target.height ? last.height : target.height;
    const from = low - BigInt(this.config.irreversibleThreshold) + 1n;
    const range = { headId: block ? block.header!.previous : target.id, from: from < 1n ? 1n : from, to: block ? target.height - 1n : target.height };
    const scan = await scanBranch(this.deps.blocks, range, last, inc);
    const forked = !scan.containsLast || last.height > target.height || (last.height === target.height && !bytesEqual(last.id, target.id));
    const before = this.pool.size;
    if (forked) this.included.clear();
    const restored = forked ? await this.restoreAbandoned(last, range.from, inc) : [];
    this.removeIncluded(inc);
    if (forked) await this.revalidateNonces();
    await this.commitHead(target);
    // Announce what came back and survived, so an instant-mode producer mines it.
    for (const e of restored) if (this.pool.has(e.idHex)) this.deps.onAccepted?.({ transaction: e.tx, receipt: undefined, height: target.height, pending_rc_used: this.pool.reservedRc(e.payerHex) });
    this.log.info({ from: Number(last.height), to: Number(target.height), forked, blocksRead: scan.blocks, restored: restored.length, removed: before + restored.length - this.pool.size }, forked ? "fork switch reconciled" : "gap filled");
  }

  /**
   * A fork switch: the transactions of the abandoned branch (heights `from …` of the branch
   * ending at `last`) that the new branch does not include go back to the pending set, as they
   * are on a Koinos node, whose pending set is kept per fork. Their nonces are re-validated next.
   * Their resource figures are not in the blocks, so they come back as zero.
   */
  private async restoreAbandoned(last: BlockRef, from: bigint, newBranch: Inclusions): Promise<PendingEntry[]> {
    const restored: PendingEntry[] = [];
    if (last.height === 0n) return restored;
    for (let h = from; h <= last.height; ) {
      const span = last.height - h + 1n;
      const count = span < 1000n ? Number(span) : 1000;
      const blocks = await this.deps.blocks.blocksByHeight(last.id, h, count);
      for (const b of blocks) {
        for (const tx of b.transactions) {
          const idHex = toHex(tx.id);
          if (newBranch.ids.has(idHex) || this.pool.has(idHex)) continue;
          let e: PendingEntry;
          try {
            e = entryFromAccepted({ transaction: tx, receipt: undefined, height: b.header?.height ?? 0n, system_disk_storage_used: 0n, system_network_bandwidth_used: 0n, system_compute_bandwidth_used: 0n }, this.nextSequence, this.now());
          } catch {
            continue;
          }
          if (this.pool.withNonce(e.nonceAccountHex, e.nonce)) continue;
          this.nextSequence++;
          this.pool.add(e);
          this.failures.forget(e.id);
          this.writer.put(e.idHex, recordOf(e));
          restored.push(e);
        }
      }
      if (blocks.length < count) break;
      h += BigInt(count);
    }
    return restored;
  }

  /** Keeps, per nonce account, only the run confirmed + 1, + 2, … of pending nonces. */
  private async revalidateNonces(): Promise<void> {
    const accounts = this.pool.nonceAccounts();
    for (let i = 0; i < accounts.length; i += NONCE_QUERY_CONCURRENCY) {
      const chunk = accounts.slice(i, i + NONCE_QUERY_CONCURRENCY);
      const confirmed = await Promise.all(chunk.map((a) => this.deps.chain.accountNonce(this.pool.accountBytes(a)!)));
      chunk.forEach((account, k) => {
        let expected = confirmed[k]! + 1n;
        for (const e of this.pool.ofAccount(account)) {
          if (e.nonce < expected) this.removeEntry(e, "stale_nonce");
          else if (e.nonce === expected) expected++;
          else this.removeEntry(e, "nonce_gap");
        }
      });
    }
  }

  private removeIncluded(inc: Inclusions): void {
    for (const id of inc.ids) {
      this.included.add(id);
      const e = this.pool.get(id);
      if (e) this.removeEntry(e, "included");
    }
    for (const [account, nonce] of inc.maxNonce) {
      for (const e of this.pool.ofAccount(account)) if (e.nonce <= nonce) this.removeEntry(e, "stale_nonce");
    }
  }

  private async commitHead(target: BlockRef): Promise<void> {
    this.metrics.pending.set(this.pool.size);
    await this.writer.flush(target);
    this.head = target;
  }

  private expireLocked(): number {
    const cutoff = this.now() - this.config.expirationMs;
    const before = this.pool.size;
    const expired = [...this.pool.entries()].filter((e) => e.receivedAt < cutoff);
    for (const e of expired) if (this.pool.has(e.idHex)) this.dropWithSuccessors(e, "expired");
    this.metrics.pending.set(this.pool.size);
    return before - this.pool.size;
  }

  /** Removes `e` and every later nonce of its account (they can no longer apply). */
  private dropWithSuccessors(e: PendingEntry, reason: RemovalReason): void {
    this.removeEntry(e, reason);
    for (const s of this.pool.ofAccount(e.nonceAccountHex)) if (s.nonce > e.nonce) this.removeEntry(s, "nonce_gap");
  }

  /**
   * Removes `e`. Unless a block included it (or the chain already reported it failed), its
   * failure is reported, with the reason.
   */
  private removeEntry(e: PendingEntry, reason: RemovalReason): void {
    if (!this.pool.remove(e.idHex)) return;
    this.writer.delete(e.idHex, e.id);
    this.metrics.removed.inc({ reason });
    if (reason !== "included" && reason !== "failed") this.fail(e.id, FAILURE_TEXT[reason]);
  }

  /** Records and reports a transaction that ends without a block. */
  private fail(id: Uint8Array, reason: string): void {
    this.failures.record(id, reason);
    this.deps.onFailed?.({ id, reason });
  }
}
