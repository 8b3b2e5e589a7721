/**
 * The chaos load: several dev accounts sending KOIN transfers through koilib with explicit
 * nonces, each sender one transaction at a time. A transaction is "acknowledged" when
 * `submit_transaction` returned a receipt; the sender then moves to the next nonce. On an error
 * (a service down, a rejection) it waits and sends the same signed transaction again, so every
 * acknowledged nonce is one the node promised to mine. An error is not a promise either way (a
 * deadline can pass after the bus stored the transaction), so after an error the sender asks
 * whether that transaction is pending or mined all the same; then it moves on too, counting it as
 * *unacknowledged* (the verifier does not require those, and no sender ever skips a nonce).
 */
import { Contract, Provider, Signer, type TransactionJson, utils } from "koilib";
import { toBase64url } from "@cairn/core";
import { encodeNonce } from "@cairn/protocol";

const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";

/** One acknowledged transaction. */
export interface Acked {
  id: string;
  sender: number;
  nonce: bigint;
}

export interface Load {
  acked: Acked[];
  /** Transactions whose submission failed but that were found pending or mined afterwards. */
  unacknowledged: Acked[];
  /** Submissions that failed (retried). */
  errors: number;
  /** Last error text per sender (for the report). */
  lastError: Map<number, string>;
  /** Submission errors by text (numbers and ids blanked), for the report. */
  errorKinds: Map<string, number>;
  stop(): Promise<void>;
}

/** Starts `senders` senders (dev accounts 0..senders-1, each paying account (i+1) % accounts). */
export async function startLoad(urls: string[], seed: string, senders: number, accounts: number, startNonces: bigint[]): Promise<Load> {
  const acked: Acked[] = [];
  const unacknowledged: Acked[] = [];
  const lastError = new Map<number, string>();
  const errorKinds = new Map<string, number>();
  let errors = 0;
  let stopped = false;
  const loops: Promise<void>[] = [];
  for (let i = 0; i < senders; i++) {
    const provider = new Provider(urls);
    const signer = Signer.fromSeed(`${seed} ${i}`);
    signer.provider = provider;
    const to = Signer.fromSeed(`${seed} ${(i + 1) % accounts}`).getAddress();
    const koin = new Contract({ id: KOIN, abi: utils.tokenAbi, provider, signer });
    loops.push(
      (async () => {
        let nonce = startNonces[i]! + 1n;
        let signed: TransactionJson | undefined;
        let failedOnce = false;
        while (!stopped) {
          try {
            signed ??= (await koin.functions.transfer!({ from: signer.getAddress(), to, value: "1" }, { nonce: toBase64url(encodeNonce(nonce)), rcLimit: "10000000", sendTransaction: false })).transaction;
            const { receipt } = await provider.sendTransaction(signed!, true);
            // koilib turns a "context deadline exceeded" answer into a receipt carrying `rpc_error`
            // (Koinos's gateway gives it for slow but accepted submissions): not a promise here.
            const rpcError = (receipt as { rpc_error?: unknown }).rpc_error;
            if (rpcError !== undefined) throw new Error(`no receipt: ${JSON.stringify(rpcError)}`);
            acked.push({ id: signed!.id!, sender: i, nonce });
            nonce++;
            signed = undefined;
            failedOnce = false;
          } catch (e) {
            errors++;
            const text = String((e as Error).message ?? e).slice(0, 300);
            lastError.set(i, text);
            const kind = text.replace(/0x[0-9a-f]+|[1-9A-HJ-NP-Za-km-z]{30,}|\d+/g, "…").slice(0, 160);
            errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
            if (signed && failedOnce && (await known(provider, signed.id!))) {
              unacknowledged.push({ id: signed.id!, sender: i, nonce });
              nonce++;
              signed = undefined;
              failedOnce = false;
              continue;
            }
            failedOnce = true;
            await Bun.sleep(500);
          }
        }
      })(),
    );
  }
  return {
    acked,
    unacknowledged,
    get errors() {
      return errors;
    },
    lastError,
    errorKinds,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Whether transaction `id` is pending in the mempool or in a committed block (false when unsure). */
async function known(provider: Provider, id: string): Promise<boolean> {
  try {
    const pending = await provider.call<{ pending_transactions?: unknown[] }>("mempool.get_pending_transactions_by_id", { transaction_ids: [id] });
    if ((pending.pending_transactions ?? []).length > 0) return true;
    const stored = await provider.call<{ transactions?: { containing_blocks?: string[] }[] }>("transaction_store.get_transactions_by_id", { transaction_ids: [id] });
    return (stored.transactions ?? []).some((t) => (t.containing_blocks ?? []).length > 0);
  } catch {
    return false;
  }
}
