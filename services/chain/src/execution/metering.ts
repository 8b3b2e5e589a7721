/**
 * Resource metering of one transaction: disk (bytes of new state), network (transaction bytes)
 * and compute (ticks, charged per system-call-level action with the costs below). rc used =
 * Σ usage × price from the chain's resource limit data.
 */
import { protocol } from "@cairn/proto";
import { ChainError } from "./errors.ts";

/** Compute ticks charged per action; close to Koinos's compute bandwidth registry defaults. */
export const TICKS = {
  /** Entering a contract call (native or WASM). */
  call: 2_000,
  getObject: 1_000,
  /** Plus per byte of value. */
  putObject: 1_000,
  putObjectPerByte: 10,
  removeObject: 1_000,
  event: 2_000,
  eventPerByte: 10,
  log: 200,
  checkAuthority: 4_000,
  /** A signature recovery at transaction start (per signature). */
  recoverSignature: 12_000,
  /** A nonce read/write and the payer's rc checks. */
  transactionOverhead: 5_000,
} as const;

/** Budget of a meter without rc limit or compute cap (kernel bookkeeping calls). */
const UNMETERED_TICKS = 1n << 40n;
const min = (a: bigint, b: bigint) => (a < b ? a : b);

export interface Usage {
  disk: bigint;
  network: bigint;
  compute: bigint;
}

/** Counts a transaction's usage and stops it when it exceeds what its rc limit can pay. */
export class Meter {
  readonly usage: Usage = { disk: 0n, network: 0n, compute: 0n };
  /**
   * Σ usage × price, kept as usage grows (each charge adds its own usage × price): the rc check
   * after every charge (many per transfer) then costs a comparison, not three products.
   */
  private rc = 0n;

  constructor(
    private readonly prices: protocol.ResourceLimitData,
    /** The rc this transaction may spend; undefined = unmetered (read-only calls). */
    private readonly rcLimit: bigint | undefined,
    /** Compute cap (e.g. read_contract's), ticks. */
    private readonly computeCap: bigint | undefined = undefined,
  ) {}

  rcUsed(): bigint {
    return this.rc;
  }

  compute(ticks: number | bigint): void {
    const t = BigInt(ticks);
    this.usage.compute += t;
    this.rc += t * this.prices.compute_bandwidth_cost;
    if (this.computeCap !== undefined && this.usage.compute > this.computeCap) throw new ChainError("compute_bandwidth_limit_exceeded", "compute bandwidth limit exceeded");
    this.checkRc();
  }

  /**
   * Ticks a contract may still run: the smaller of the compute cap left and what the rc left can
   * pay (docs/koinos-vm.md §8.2). Unmetered meters get a large but finite budget.
   */
  remainingTicks(): bigint {
    let left = UNMETERED_TICKS;
    if (this.computeCap !== undefined) left = min(left, this.computeCap - this.usage.compute);
    if (this.rcLimit !== undefined) {
      const cost = this.prices.compute_bandwidth_cost;
      const rcLeft = this.rcLimit - this.rcUsed();
      left = min(left, cost > 0n ? rcLeft / cost : UNMETERED_TICKS);
    }
    return left > 0n ? left : 0n;
  }

  /**
   * A contract ran out of ticks: the whole remaining budget is charged and the binding limit is
   * reported — `insufficient_rc` (a reversion) when the rc limit bound, else
   * `compute_bandwidth_limit_exceeded`.
   */
  exhaust(): never {
    const left = this.remainingTicks();
    const rcBound = this.rcLimit !== undefined && (this.computeCap === undefined || this.prices.compute_bandwidth_cost * (this.computeCap - this.usage.compute) > this.rcLimit - this.rcUsed());
    this.usage.compute += left;
    this.rc += left * this.prices.compute_bandwidth_cost;
    if (rcBound) throw new ChainError("insufficient_rc", "insufficient rc");
    throw new ChainError("compute_bandwidth_limit_exceeded", "compute bandwidth limit exceeded");
  }

  disk(bytes: number): void {
    if (bytes <= 0) return;
    const b = BigInt(bytes);
    this.usage.disk += b;
    this.rc += b * this.prices.disk_storage_cost;
    if (this.prices.disk_storage_limit > 0n && this.usage.disk > this.prices.disk_storage_limit) throw new ChainError("disk_storage_limit_exceeded", "disk storage limit exceeded");
    this.checkRc();
  }

  network(bytes: number): void {
    const b = BigInt(bytes);
    this.usage.network += b;
    this.rc += b * this.prices.network_bandwidth_cost;
    if (this.prices.network_bandwidth_limit > 0n && this.usage.network > this.prices.network_bandwidth_limit) throw new ChainError("network_bandwidth_limit_exceeded", "network bandwidth limit exceeded");
    this.checkRc();
  }

  private checkRc(): void {
    if (this.rcLimit !== undefined && this.rc > this.rcLimit) throw new ChainError("insufficient_rc", "insufficient rc");
  }
}
