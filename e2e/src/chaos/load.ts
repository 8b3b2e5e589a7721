/**
 * The chaos load: several dev accounts sending KOIN transfers through koilib with explicit
 * nonces, each sender one transaction at a time. A transaction is "acknowledged" when
 * `submit_transaction` returned a receipt; the sender then moves to the next nonce. On an error
 * (a service down, a rejection) it waits and sends the same nonce again, so every acknowledged
 * nonce is one the node promised to mine.
 */
import { Contract, Provider, Signer, utils } from "koilib";
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
  /** Submissions that failed (retried). */
  errors: number;
  /** Last error text per sender (for the report). */
  lastError: Map<number, string>;
  stop(): Promise<void>;
}

/** Starts `senders` senders (dev accounts 0..senders-1, each paying account (i+1) % accounts). */
export async function startLoad(urls: string[], seed: string, senders: number, accounts: number, startNonces: bigint[]): Promise<Load> {
  const acked: Acked[] = [];
  const lastError = new Map<number, string>();
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
        while (!stopped) {
          try {
            const { transaction } = await koin.functions.transfer!({ from: signer.getAddress(), to, value: "1" }, { nonce: toBase64url(encodeNonce(nonce)), rcLimit: "10000000" });
            acked.push({ id: transaction!.id!, sender: i, nonce });
            nonce++;
          } catch (e) {
            errors++;
            lastError.set(i, String((e as Error).message ?? e).slice(0, 300));
            await Bun.sleep(500);
          }
        }
      })(),
    );
  }
  return {
    acked,
    get errors() {
      return errors;
    },
    lastError,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}
