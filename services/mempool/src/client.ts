/**
 * The mempool as the chain asks it at submission (protocol §4.9 step 2): one port, implemented
 * in-process by the mempool node (`MempoolNode.checks`) and over a MempoolService client by
 * {@link mempoolChecksFromClient}. Import it as `@cairn/mempool/client`.
 */
import type { mempool } from "@cairn/proto";
import type { PromiseClient } from "@cairn/rpc";

/** What the chain asks the mempool before accepting a transaction. */
export interface MempoolChecks {
  /** The payee's highest pending nonce bytes; empty when none is pending. */
  pendingNonce(payee: Uint8Array): Promise<Uint8Array>;
  /** Whether the payer can cover `rc` on top of the rc its pending transactions reserve. */
  checkResources(payer: Uint8Array, maxPayerRc: bigint, rc: bigint): Promise<boolean>;
}

/** The MempoolService methods {@link mempoolChecksFromClient} calls. */
export type MempoolChecksClient = Pick<PromiseClient<typeof mempool.MempoolServiceDefinition>, "getPendingNonce" | "checkPendingAccountResources">;

/** MempoolChecks over a MempoolService client. */
export function mempoolChecksFromClient(client: MempoolChecksClient): MempoolChecks {
  return {
    async pendingNonce(payee) {
      return (await client.getPendingNonce({ payee, block_id: undefined })).nonce;
    },
    async checkResources(payer, maxPayerRc, rc) {
      return (await client.checkPendingAccountResources({ payer, max_payer_rc: maxPayerRc, rc_limit: rc, block_id: undefined })).success;
    },
  };
}
