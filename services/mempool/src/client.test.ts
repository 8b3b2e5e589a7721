/** The client-side port: MempoolChecks over a MempoolService client. */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { mempool } from "@cairn/proto";
import { encodeNonce } from "@cairn/protocol";
import { mempoolChecksFromClient } from "./client.ts";

describe("mempoolChecksFromClient", () => {
  test("asks koinos-mempool's questions at the head", async () => {
    const asked: unknown[] = [];
    const checks = mempoolChecksFromClient({
      getPendingNonce: async (req: mempool.GetPendingNonceRequest) => (asked.push(req), { nonce: encodeNonce(3n) }),
      checkPendingAccountResources: async (req: mempool.CheckPendingAccountResourcesRequest) => (asked.push(req), { success: req.rc_limit <= 10n }),
      checkAccountNonce: async (req: mempool.CheckAccountNonceRequest) => (asked.push(req), { success: false }),
      getPendingTransactionCount: async (req: mempool.GetPendingTransactionCountRequest) => (asked.push(req), { count: 4n }),
      getPendingTransactionsById: async (req: mempool.GetPendingTransactionsByIdRequest) => (
        asked.push(req), mempool.GetPendingTransactionsByIdResponse.fromPartial({ pending_transactions: [{ transaction: { id: req.transaction_ids[0]! } }] })
      ),
    });
    const who = new Uint8Array(25).fill(1);
    expect(await checks.pendingNonce(who)).toEqual(encodeNonce(3n));
    expect(await checks.checkResources(who, 100n, 10n)).toBe(true);
    expect(await checks.checkResources(who, 100n, 11n)).toBe(false);
    expect(await checks.checkNonce(who, encodeNonce(4n))).toBe(false);
    expect(await checks.pendingCount(who)).toBe(4);
    const id = new Uint8Array([0x12, 0x20, 1]);
    expect([...(await checks.pendingIds([id, new Uint8Array([9])]))]).toEqual([toHex(id)]);
    expect(asked[0]).toEqual({ payee: who, block_id: undefined });
    expect(asked[1]).toEqual({ payer: who, max_payer_rc: 100n, rc_limit: 10n, block_id: undefined });
    expect(asked[3]).toEqual({ payee: who, nonce: encodeNonce(4n), block_id: undefined });
  });
});
