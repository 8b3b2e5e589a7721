/** The client-side port: MempoolChecks over a MempoolService client. */
import { describe, expect, test } from "bun:test";
import type { mempool } from "@cairn/proto";
import { encodeNonce } from "@cairn/protocol";
import { mempoolChecksFromClient } from "./client.ts";

describe("mempoolChecksFromClient", () => {
  test("asks for the payee's pending nonce and the payer's resources at the head", async () => {
    const asked: unknown[] = [];
    const checks = mempoolChecksFromClient({
      getPendingNonce: async (req: mempool.GetPendingNonceRequest) => (asked.push(req), { nonce: encodeNonce(3n) }),
      checkPendingAccountResources: async (req: mempool.CheckPendingAccountResourcesRequest) => (asked.push(req), { success: req.rc_limit <= 10n }),
    });
    const who = new Uint8Array(25).fill(1);
    expect(await checks.pendingNonce(who)).toEqual(encodeNonce(3n));
    expect(await checks.checkResources(who, 100n, 10n)).toBe(true);
    expect(await checks.checkResources(who, 100n, 11n)).toBe(false);
    expect(asked[0]).toEqual({ payee: who, block_id: undefined });
    expect(asked[1]).toEqual({ payer: who, max_payer_rc: 100n, rc_limit: 10n, block_id: undefined });
  });
});
