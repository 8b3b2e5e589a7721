/** The client-side port: MempoolChecks over a MempoolService client. */
import { describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { mempool } from "@cairn/proto";
import { encodeNonce } from "@cairn/protocol";
import { mempoolChecksFromClient } from "./client.ts";

const payer = new Uint8Array(25).fill(1);
const payee = new Uint8Array(25).fill(2);
const id = new Uint8Array([0x12, 0x20, 1]);

describe("mempoolChecksFromClient", () => {
  test("the submission checks asked in the same turn go in one check_submissions, each caller gets its answer", async () => {
    const asked: mempool.CheckSubmissionsRequest[] = [];
    const checks = mempoolChecksFromClient({
      checkSubmissions: async (req: mempool.CheckSubmissionsRequest) => {
        asked.push(req);
        // The first answer reports the mempool's free places, the second (an older mempool) does not.
        return { answers: req.checks.map((c, i) => ({ reserved_rc: BigInt(i), nonce_free: i === 0, pending_nonce: encodeNonce(3n), pending_count: 4n, pending_transaction_ids: c.transaction_ids.slice(0, 1), free_slots: i === 0 ? 7n : undefined })) };
      },
      getPendingTransactionsById: async () => ({ pending_transactions: [] }),
      getFailedTransactions: async () => ({ failed_transactions: [] }),
    });
    const [a, b] = await Promise.all([
      checks.forSubmission({ payer, payee, nonce: encodeNonce(4n), ids: [id, new Uint8Array([9])] }),
      checks.forSubmission({ payer: payee, payee: payer, nonce: encodeNonce(5n), ids: [] }),
    ]);
    expect(asked).toEqual([{ checks: [{ payer, payee, nonce: encodeNonce(4n), transaction_ids: [id, new Uint8Array([9])] }, { payer: payee, payee: payer, nonce: encodeNonce(5n), transaction_ids: [] }] }]);
    expect(a).toEqual({ reservedRc: 0n, nonceFree: true, pendingNonce: encodeNonce(3n), pendingCount: 4, held: new Set([toHex(id)]), freeSlots: 7 });
    expect(b).toEqual({ reservedRc: 1n, nonceFree: false, pendingNonce: encodeNonce(3n), pendingCount: 4, held: new Set(), freeSlots: undefined });
    expect(b.freeSlots).toBeUndefined();
    // A later turn: a call of its own.
    await checks.forSubmission({ payer, payee, nonce: encodeNonce(6n), ids: [] });
    expect(asked).toHaveLength(2);
  });

  test("a failed check_submissions, or one answering fewer checks, fails every caller of the batch", async () => {
    let answer: () => Promise<mempool.CheckSubmissionsResponse> = async () => {
      throw new Error("mempool unavailable");
    };
    const checks = mempoolChecksFromClient({ checkSubmissions: () => answer(), getPendingTransactionsById: async () => ({ pending_transactions: [] }), getFailedTransactions: async () => ({ failed_transactions: [] }) });
    const ask = () => checks.forSubmission({ payer, payee, nonce: encodeNonce(1n), ids: [] });
    const failed = await Promise.allSettled([ask(), ask()]);
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    answer = async () => ({ answers: [] });
    await expect(ask()).rejects.toThrow("check_submissions answered 0 of 1 checks");
  });

  test("delivery: the pending ids, then the failures among the others (none asked when every id is pending)", async () => {
    const other = new Uint8Array([9]);
    const unknown = new Uint8Array([7]);
    const calls: string[] = [];
    const failedAsked: Uint8Array[][] = [];
    const checks = mempoolChecksFromClient({
      checkSubmissions: async () => ({ answers: [] }),
      getPendingTransactionsById: async (req: mempool.GetPendingTransactionsByIdRequest) => {
        calls.push("pending");
        return mempool.GetPendingTransactionsByIdResponse.fromPartial({ pending_transactions: req.transaction_ids.filter((x) => toHex(x) === toHex(id)).map((x) => ({ transaction: { id: x } })) });
      },
      getFailedTransactions: async (req: mempool.GetFailedTransactionsRequest) => {
        calls.push("failed");
        failedAsked.push(req.transaction_ids);
        return { failed_transactions: req.transaction_ids.filter((x) => toHex(x) === toHex(other)).map((x) => ({ id: x, reason: "mempool refused the transaction: pool full" })) };
      },
    });
    expect(await checks.delivery([id, other, unknown])).toEqual({ held: new Set([toHex(id)]), failed: new Set([toHex(other)]) });
    expect(calls).toEqual(["pending", "failed"]);
    expect(failedAsked).toEqual([[other, unknown]]);
    expect(await checks.delivery([id])).toEqual({ held: new Set([toHex(id)]), failed: new Set() });
    expect(calls).toEqual(["pending", "failed", "pending"]);
  });
});
