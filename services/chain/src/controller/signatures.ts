/**
 * The signature cache: each (digest, signature) pair is recovered once, then its signer address
 * is remembered (bounded, oldest first out). Recovery is the costliest step of every transaction
 * (architecture §9), and a transaction is checked at submission and again in its block.
 */
import { toHex } from "@cairn/core";
import { protocol } from "@cairn/proto";
import { blockDigest, recoverAddress, transactionDigest } from "@cairn/protocol";

export class SignatureCache {
  private readonly cache = new Map<string, Uint8Array>();
  /** Signature recoveries done (cache misses). */
  recoveries = 0;

  constructor(private readonly maxEntries: number) {}

  /**
   * Signers of a transaction, in signature order; throws on a signature that does not recover.
   * `digest`: the header's digest when the caller has it (checked against the id), else computed.
   */
  transactionSigners(tx: protocol.Transaction, digest = transactionDigest(tx.header ?? protocol.TransactionHeader.create())): Uint8Array[] {
    const d = toHex(digest);
    return tx.signatures.map((sig) => {
      const key = d + toHex(sig);
      let a = this.cache.get(key);
      if (!a) {
        a = recoverAddress(digest, sig);
        this.recoveries++;
        if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
        this.cache.set(key, a);
      }
      return a;
    });
  }

  /** The block's signer (blocks are recovered once each, so not cached). */
  blockSigner(block: protocol.Block): Uint8Array {
    return recoverAddress(blockDigest(block.header ?? protocol.BlockHeader.create()), block.signature);
  }
}
