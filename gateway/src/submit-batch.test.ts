import { describe, expect, test } from "bun:test";
import { CairnError, ErrorStatus } from "@cairn/core";
import { chain, protocol } from "@cairn/proto";
import { RpcErrorCode, errorToCallError } from "@cairn/rpc";
import { MAX_BATCH_BYTES, type SubmitClient, batchedSubmit } from "./submit-batch.ts";

const request = (n: number): chain.SubmitTransactionRequest => ({ transaction: protocol.Transaction.fromPartial({ id: new Uint8Array([n]) }), broadcast: true });
const receipt = (n: number) => protocol.TransactionReceipt.fromPartial({ id: new Uint8Array([n]) });
const nonceError = new CairnError("chain.invalid_nonce", "invalid account nonce", { status: ErrorStatus.FailedPrecondition, chainCode: -201, data: { a: "1abc", logs: ["x"] } });

/** A chain client that answers item 2 with a nonce error and records its calls. */
function fakeChain(opts: { batch?: "ok" | "unimplemented" | "down" } = {}) {
  const calls: string[] = [];
  const answer = (r: chain.SubmitTransactionRequest): chain.SubmitTransactionResponse => {
    if (r.transaction!.id[0] === 2) throw nonceError;
    return { receipt: receipt(r.transaction!.id[0]!) };
  };
  const client: SubmitClient = {
    async submitTransaction(r) {
      calls.push(`single ${r.transaction!.id[0]}`);
      return answer(r);
    },
    async submitTransactions(r) {
      calls.push(`batch ${r.requests.map((x) => x.transaction!.id[0]).join(",")}`);
      if (opts.batch === "unimplemented") throw new CairnError(RpcErrorCode.Unimplemented, "unimplemented", { status: ErrorStatus.Unimplemented });
      if (opts.batch === "down") throw new CairnError(RpcErrorCode.Unavailable, "down", { status: ErrorStatus.Unavailable });
      return {
        results: r.requests.map((x) => {
          try {
            return { response: answer(x) };
          } catch (e) {
            return { error: errorToCallError(e).error };
          }
        }),
      };
    },
  };
  return { client, calls };
}

describe("batched submit_transaction", () => {
  test("the submissions of one turn go in one call; each gets its own receipt or its own error, equal to the chain's", async () => {
    const f = fakeChain();
    const submit = batchedSubmit(f.client, "chain:1");
    const results = await Promise.allSettled([1, 2, 3].map((n) => submit(request(n), { deadlineMs: 5_000 })));
    expect(f.calls).toEqual(["batch 1,2,3"]);
    expect(results[0]).toEqual({ status: "fulfilled", value: { receipt: receipt(1) } });
    expect(results[2]).toEqual({ status: "fulfilled", value: { receipt: receipt(3) } });
    const err = (results[1] as PromiseRejectedResult).reason as CairnError;
    expect(err).toBeInstanceOf(CairnError);
    expect({ code: err.code, message: err.message, status: err.status, chainCode: err.chainCode, data: err.data }).toEqual({
      code: nonceError.code,
      message: nonceError.message,
      status: nonceError.status,
      chainCode: -201,
      data: nonceError.data,
    });
  });

  test("a lone submission is a single call; a later turn starts a new batch", async () => {
    const f = fakeChain();
    const submit = batchedSubmit(f.client, "chain:1");
    await submit(request(1));
    await Promise.all([submit(request(3)), submit(request(4))]);
    expect(f.calls).toEqual(["single 1", "batch 3,4"]);
  });

  test("a batch stays within its byte budget: a large submission starts the next call", async () => {
    const f = fakeChain();
    const submit = batchedSubmit(f.client, "chain:1");
    const upload = (n: number): chain.SubmitTransactionRequest => ({
      transaction: protocol.Transaction.fromPartial({ id: new Uint8Array([n]), operations: [{ upload_contract: { bytecode: new Uint8Array(MAX_BATCH_BYTES / 3) } }] }),
      broadcast: true,
    });
    await Promise.all([1, 3, 4].map((n) => submit(upload(n))));
    expect(f.calls).toEqual(["batch 1,3", "single 4"]);
  });

  test("a chain without the batch RPC gets single calls from then on", async () => {
    const f = fakeChain({ batch: "unimplemented" });
    const submit = batchedSubmit(f.client, "chain:1");
    expect((await Promise.all([submit(request(1)), submit(request(3))])).map((r) => r.receipt)).toEqual([receipt(1), receipt(3)]);
    await Promise.all([submit(request(4)), submit(request(5))]);
    expect(f.calls).toEqual(["batch 1,3", "single 1", "single 3", "single 4", "single 5"]);
  });

  test("a failed call fails every submission it carried with its error", async () => {
    const f = fakeChain({ batch: "down" });
    const submit = batchedSubmit(f.client, "chain:1");
    const results = await Promise.allSettled([submit(request(1)), submit(request(3))]);
    expect(results.map((r) => (r as PromiseRejectedResult).reason.code)).toEqual([RpcErrorCode.Unavailable, RpcErrorCode.Unavailable]);
  });
});
