/**
 * The signature cache: each (digest, signature) pair is recovered once, then its signer address
 * is remembered (bounded, oldest first out). Recovery is the costliest step of every transaction
 * (architecture §9), and a transaction is checked at submission and again in its block.
 *
 * The pairs and addresses live in a `RecentBytes` ring (@cairn/core): fixed-size byte slots, no
 * string key or `Uint8Array` per entry, so a full cache of 50,000 costs ~9 MB, not ~25 MB.
 */
import { RecentBytes } from "@cairn/core";
import { protocol } from "@cairn/proto";
import { blockDigest, recoverAddress, transactionDigest } from "@cairn/protocol";

/** Room for a digest (34-byte multihash) and a signature (65 bytes), with some slack. */
const KEY_BYTES = 112;
/** Room for an address (25 bytes). */
const ADDRESS_BYTES = 32;

export class SignatureCache {
  private readonly cache: RecentBytes;
  /** Signature recoveries done (cache misses). */
  recoveries = 0;

  constructor(maxEntries: number) {
    this.cache = new RecentBytes(Math.max(1, maxEntries), KEY_BYTES, ADDRESS_BYTES);
  }

  /**
   * Signers of a transaction, in signature order; throws on a signature that does not recover.
   * `digest`: the header's digest when the caller has it (checked against the id), else computed.
   */
  transactionSigners(tx: protocol.Transaction, digest = transactionDigest(tx.header ?? protocol.TransactionHeader.create())): Uint8Array[] {
    return tx.signatures.map((sig) => {
      const cacheable = digest.length + sig.length <= KEY_BYTES;
      const key = cacheable ? new Uint8Array(digest.length + sig.length) : undefined;
      if (key) {
        key.set(digest);
        key.set(sig, digest.length);
        const known = this.cache.get(key);
        if (known) return known;
      }
      const a = recoverAddress(digest, sig);
      this.recoveries++;
      if (key && a.length <= ADDRESS_BYTES) this.cache.add(key, a);
      return a;
    });
  }

  /** The block's signer (blocks are recovered once each, so not cached). */
  blockSigner(block: protocol.Block): Uint8Array {
    return recoverAddress(blockDigest(block.header ?? protocol.BlockHeader.create()), block.signature);
  }
}
