/**
 * The worker side of `RecoveryPool` (recovery-pool.ts): recovers the signer address of each
 * (digest, signature) pair of a batch with the process's default secp256k1 backend. A batch is one
 * transferred buffer of fixed-size items; the answer is one buffer of addresses with a status byte
 * each, so a batch costs two messages and no per-item objects on either side.
 */
import { recoverAddress } from "./signature.ts";
import { ADDRESS_SLOT, DIGEST_BYTES, SIGNATURE_BYTES, type RecoveryBatch, type RecoveryAnswer } from "./recovery-pool.ts";

declare const self: Worker;

self.onmessage = (event: MessageEvent<RecoveryBatch>) => {
  const { id, count, items } = event.data;
  const item = DIGEST_BYTES + SIGNATURE_BYTES;
  const out = new Uint8Array(count * ADDRESS_SLOT);
  for (let i = 0; i < count; i++) {
    const at = i * item;
    try {
      const address = recoverAddress(items.subarray(at, at + DIGEST_BYTES), items.subarray(at + DIGEST_BYTES, at + item));
      out[i * ADDRESS_SLOT] = address.length;
      out.set(address, i * ADDRESS_SLOT + 1);
    } catch {
      out[i * ADDRESS_SLOT] = 0; // does not recover: the caller's own recovery reports why
    }
  }
  const answer: RecoveryAnswer = { id, addresses: out };
  self.postMessage(answer, [out.buffer]);
};
