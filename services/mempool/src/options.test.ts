/** The options schema and the sweep interval derived from it. */
import { describe, expect, test } from "bun:test";
import { sweepIntervalMs } from "./unit.ts";
import { defaultMempoolOptions, mempoolOptionsSchema } from "./options.ts";

describe("options", () => {
  test("defaults, nested limits, a null port", () => {
    expect(defaultMempoolOptions).toMatchObject({
      grpcHost: "127.0.0.1",
      grpcPort: 50053,
      databaseUrl: "pglite://./data/mempool",
      chainAddress: "127.0.0.1:50051",
      blockStoreAddress: "127.0.0.1:50052",
      expirationMs: 120_000,
      limits: { maxPendingTransactions: 10_000, maxPendingPerAccount: 1_000 },
      irreversibleThreshold: 60,
      logLevel: "info",
    });
    expect(defaultMempoolOptions.natsUrl).toBeUndefined();
    const o = mempoolOptionsSchema.parse({ grpcPort: null, limits: { maxPendingPerAccount: 3 } });
    expect(o.grpcPort).toBeNull();
    expect(o.limits).toEqual({ maxPendingTransactions: 10_000, maxPendingPerAccount: 3 });
    expect(mempoolOptionsSchema.safeParse({ expirationMs: 0 }).success).toBe(false);
  });

  test("the sweep runs every tenth of the expiration, within 10 ms … 5 s", () => {
    expect(sweepIntervalMs(120_000)).toBe(5_000);
    expect(sweepIntervalMs(20_000)).toBe(2_000);
    expect(sweepIntervalMs(50)).toBe(10);
  });
});
