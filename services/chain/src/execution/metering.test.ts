/** The meter's rc: Σ usage × price after every charge, and the limits it stops at. */
import { describe, expect, test } from "bun:test";
import { protocol } from "@cairn/proto";
import { isChainError } from "./errors.ts";
import { Meter } from "./metering.ts";

/** rc used as the definition has it, from the usage. */
const rcOf = (m: Meter, p: protocol.ResourceLimitData) => m.usage.disk * p.disk_storage_cost + m.usage.network * p.network_bandwidth_cost + m.usage.compute * p.compute_bandwidth_cost;

/** A small deterministic generator (the same sequences every run). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function prices(r: () => number): protocol.ResourceLimitData {
  return protocol.ResourceLimitData.fromPartial({
    disk_storage_limit: r() < 0.3 ? 0n : BigInt(Math.floor(r() * 5_000)),
    disk_storage_cost: BigInt(Math.floor(r() * 1_000_000)),
    network_bandwidth_limit: r() < 0.3 ? 0n : BigInt(Math.floor(r() * 5_000)),
    network_bandwidth_cost: BigInt(Math.floor(r() * 1_000_000)),
    compute_bandwidth_limit: 100_000_000n,
    compute_bandwidth_cost: BigInt(Math.floor(r() * 100)),
  });
}

describe("Meter", () => {
  test("rcUsed is Σ usage × price after every charge, and a charge past the rc limit fails exactly when that sum passes it", () => {
    const r = rng(7);
    for (let run = 0; run < 300; run++) {
      const p = prices(r);
      const limit = r() < 0.2 ? undefined : BigInt(Math.floor(r() * 2 ** 40));
      const cap = r() < 0.5 ? undefined : BigInt(Math.floor(r() * 2_000_000));
      const m = new Meter(p, limit, cap);
      for (let step = 0; step < 40; step++) {
        const kind = Math.floor(r() * 3);
        const amount = Math.floor(r() * 3_000);
        const before = { ...m.usage };
        try {
          if (kind === 0) m.compute(r() < 0.5 ? amount : BigInt(amount));
          else if (kind === 1) m.disk(amount - 200);
          else m.network(amount);
        } catch (e) {
          if (!isChainError(e)) throw e;
          // The failing charge is counted (the transaction's usage includes it), then the limit it broke reported.
          expect(rcOf(m, p)).toBe(m.rcUsed());
          if (e.message === "insufficient rc") expect(m.rcUsed() > limit!).toBe(true);
          break;
        }
        expect(m.rcUsed()).toBe(rcOf(m, p));
        if (limit !== undefined) expect(m.rcUsed() <= limit).toBe(true);
        if (kind === 1 && amount - 200 <= 0) expect(m.usage).toEqual(before);
      }
      if (limit !== undefined || cap !== undefined) {
        try {
          m.exhaust();
        } catch (e) {
          if (!isChainError(e)) throw e;
        }
        expect(m.rcUsed()).toBe(rcOf(m, p));
      }
    }
  });

  test("remainingTicks follows the rc left", () => {
    const p = protocol.ResourceLimitData.fromPartial({ compute_bandwidth_cost: 10n, network_bandwidth_cost: 100n, compute_bandwidth_limit: 1_000_000n });
    const m = new Meter(p, 10_000n);
    m.network(10); // 1,000 rc
    m.compute(100); // 1,000 rc
    expect(m.rcUsed()).toBe(2_000n);
    expect(m.remainingTicks()).toBe(800n);
    expect(() => m.compute(801)).toThrow("insufficient rc");
    expect(m.rcUsed()).toBe(10_010n);
  });
});
