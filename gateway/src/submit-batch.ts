/**
 * `chain.submit_transaction` to a chain in another process, batched: the submissions the gateway
 * receives within one turn of its event loop go to the chain in one `SubmitTransactions` call
 * (Cairn's batch RPC), which handles each exactly as `SubmitTransaction` would, concurrently, and
 * answers each with its own receipt or its own error. Under load a gRPC call per transfer was the
 * largest part of the gateway's and the chain's CPU per transfer; the answers are unchanged (an
 * item's error crosses as the same status and trailers, `callErrorToError`). A chain that does not
 * know the batch RPC (`rpc.unimplemented`) gets single calls from then on.
 */
import { isCairnError } from "@cairn/core";
import type { chain } from "@cairn/proto";
import { type CallOptions, RpcErrorCode, callErrorToError } from "@cairn/rpc";

/** The chain client methods the batcher calls. */
export interface SubmitClient {
  submitTransaction(request: chain.SubmitTransactionRequest, options?: CallOptions): Promise<chain.SubmitTransactionResponse>;
  submitTransactions(request: chain.SubmitTransactionsRequest, options?: CallOptions): Promise<chain.SubmitTransactionsResponse>;
}

/** Most submissions in one call. */
export const MAX_SUBMISSIONS_PER_CALL = 500;
/**
 * Most estimated request bytes in one call: a quarter of gRPC's 64 MiB message limit, so a burst
 * of contract uploads (up to the gateway's 2 MiB body each) never makes a call too large to send.
 */
export const MAX_BATCH_BYTES = 16 * 1024 * 1024;

/** A submission's size, roughly: the bytes that can be large (bytecode, ABI, arguments, signatures) plus a fixed part. */
export function approxBytes(request: chain.SubmitTransactionRequest): number {
  const tx = request.transaction;
  let n = 1_024;
  if (tx === undefined) return n;
  for (const op of tx.operations) n += (op.upload_contract?.bytecode.length ?? 0) + (op.upload_contract?.abi.length ?? 0) * 3 + (op.call_contract?.args.length ?? 0);
  for (const s of tx.signatures) n += s.length;
  return n;
}

interface Queued {
  request: chain.SubmitTransactionRequest;
  deadlineMs: number | undefined;
  resolve(r: chain.SubmitTransactionResponse): void;
  reject(e: unknown): void;
}

/** A `submitTransaction` that batches its calls into `submitTransactions` (see the file header). */
export function batchedSubmit(client: SubmitClient, address: string): (request: chain.SubmitTransactionRequest, options?: CallOptions) => Promise<chain.SubmitTransactionResponse> {
  let queued: Queued[] = [];
  let queuedBytes = 0;
  let batchUnknown = false;
  const info = { method: "cairn.chain.v1.ChainService/SubmitTransaction", address };

  const single = (q: Queued) => client.submitTransaction(q.request, { deadlineMs: q.deadlineMs }).then(q.resolve, q.reject);

  const send = () => {
    const batch = queued;
    queued = [];
    queuedBytes = 0;
    if (batch.length === 0) return;
    if (batchUnknown || batch.length === 1) return batch.forEach(single);
    // The items share one call: it gets the shortest deadline among them.
    const deadlines = batch.map((q) => q.deadlineMs).filter((d): d is number => d !== undefined);
    const deadlineMs = deadlines.length > 0 ? Math.min(...deadlines) : undefined;
    client.submitTransactions({ requests: batch.map((q) => q.request) }, { deadlineMs }).then(
      ({ results }) => {
        if (results.length !== batch.length) throw new Error(`SubmitTransactions answered ${results.length} of ${batch.length} submissions`);
        batch.forEach((q, i) => {
          const r = results[i]!;
          if (r.error) q.reject(callErrorToError(r.error, info));
          else q.resolve(r.response ?? { receipt: undefined });
        });
      },
      (err: unknown) => {
        if (isCairnError(err) && err.code === RpcErrorCode.Unimplemented) {
          batchUnknown = true;
          return batch.forEach(single);
        }
        batch.forEach((q) => q.reject(err));
      },
    );
  };

  return (request, options = {}) =>
    new Promise((resolve, reject) => {
      const bytes = approxBytes(request);
      // A submission that would take the batch past its byte budget starts the next one.
      if (queued.length > 0 && queuedBytes + bytes > MAX_BATCH_BYTES) send();
      queued.push({ request, deadlineMs: options.deadlineMs, resolve, reject });
      queuedBytes += bytes;
      if (queued.length === 1) setImmediate(send);
      else if (queued.length >= MAX_SUBMISSIONS_PER_CALL) send();
    });
}
