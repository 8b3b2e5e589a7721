/** The client-side port: MempoolChecks over a MempoolService client. */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { mempool } from "@cairn/proto";
import { encodeNonce } from "@cairn/protocol";
import { mempoolChecksFromClient } from "./client.ts";

describe("mempoolChecksFromClient", () => {
  test("asks the submission's questions in one check_submission, and pending ids by id", async () => {
    const asked: unknown[] = [];
    const checks = mempoolChecksFromClient({
      checkSubmission: async (req: mempool.CheckSubmissionRequest) => (
        asked.push(req), { reserved_rc: 7n, nonce_free: false, pending_nonce: encodeNonce(3n), pending_count: 4n, pending_transaction_ids: req.transaction_ids.slice(0, 1) }
      ),
      getPendingTransactionsById: async (req: mempool.GetPendingTransactionsByIdRequest) => (
        asked.push(req), mempool.GetPendingTransactionsByIdResponse.fromPartial({ pending_transactions: [{ transaction: { id: req.transaction_ids[0]! } }] })
      ),
    });
    const payer = new Uint8Array(25).fill(1);
    const payee = new Uint8Array(25).fill(2);
    const id = new Uint8Array([0x12, 0x20, 1]);
    const view = await checks.forSubmission({ payer, payee, nonce: encodeNonce(4n), ids: [id, new Uint8Array([9])] });
    expect(view).toEqual({ reservedRc: 7n, nonceFree: false, pendingNonce: encodeNonce(3n), pendingCount: 4, held: new Set([toHex(id)]) });
    expect(asked[0]).toEqual({ payer, payee, nonce: encodeNonce(4n), transaction_ids: [id, new Uint8Array([9])] });
    expect([...(await checks.pendingIds([id, new Uint8Array([9])]))]).toEqual([toHex(id)]);
  });
});
