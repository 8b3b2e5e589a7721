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
import { type RecoveryPool, SHA256_CODE, blockDigest, fromMultihash, recoverAddress, transactionDigest } from "@cairn/protocol";

/** Room for a digest (34-byte multihash) and a signature (65 bytes), with some slack. */
const KEY_BYTES = 112;
/** Room for an address (25 bytes). */
const ADDRESS_BYTES = 32;

export class SignatureCache {
  private readonly cache: RecentBytes;
  /** Signature recoveries done (cache misses), in line or on the pool's worker. */
  recoveries = 0;

  /** `pool`: recovers on a worker thread ahead of use (`prefetch`); without it all recovery is in line. */
  constructor(
    maxEntries: number,
    private readonly pool?: RecoveryPool,
  ) {
    this.cache = new RecentBytes(Math.max(1, maxEntries), KEY_BYTES, ADDRESS_BYTES);
  }

  /**
   * Recovers on the pool's worker the signers of `txs` not yet cached, and caches them, so that the
   * synchronous `transactionSigners` that follows finds them. Never throws: a signature that does
   * not recover (or a pool that cannot answer) is left to `transactionSigners`, which reports it.
   * `known`: transactions whose signers the caller expects to have already (skipped; should it be
   * wrong, they are recovered in line when asked for).
   */
  async prefetch(txs: readonly protocol.Transaction[], known?: (tx: protocol.Transaction) => boolean): Promise<void> {
    const pool = this.pool;
    if (!pool) return;
    const waits: Promise<void>[] = [];
    for (const tx of txs) {
      if (tx.signatures.length === 0 || known?.(tx)) continue;
      // The digest the id claims, not the header encoded and hashed again: application checks the
      // id against the header before it asks for signers, so for any transaction that gets that
      // far this is the digest it looks up; a wrong id only caches a true recovery nobody asks for.
      let digest: Uint8Array;
      try {
        const id = fromMultihash(tx.id);
        if (id.code !== SHA256_CODE || id.digest.length !== 32) continue;
        digest = id.digest;
      } catch {
        continue;
      }
      for (const sig of tx.signatures) {
        const key = this.keyOf(digest, sig);
        if (!key || this.cache.has(key)) continue;
        waits.push(
          pool.recoverAddress(digest, sig).then((address) => {
            if (!address || address.length > ADDRESS_BYTES || this.cache.has(key)) return;
            this.recoveries++;
            this.cache.add(key, address);
          }),
        );
      }
    }
    if (waits.length > 0) await Promise.all(waits);
  }

  /**
   * Signers of a transaction, in signature order; throws on a signature that does not recover.
   * `digest`: the header's digest when the caller has it (checked against the id), else computed.
   */
  transactionSigners(tx: protocol.Transaction, digest = transactionDigest(tx.header ?? protocol.TransactionHeader.create())): Uint8Array[] {
    return tx.signatures.map((sig) => {
      const key = this.keyOf(digest, sig);
      if (key) {
        const known = this.cache.get(key);
        if (known) return known;
      }
      const a = recoverAddress(digest, sig);
      this.recoveries++;
      if (key && a.length <= ADDRESS_BYTES) this.cache.add(key, a);
      return a;
    });
  }

  /** The cache key of a (digest, signature) pair; undefined when the pair is too long to cache. */
  private keyOf(digest: Uint8Array, sig: Uint8Array): Uint8Array | undefined {
    if (digest.length + sig.length > KEY_BYTES) return undefined;
    const key = new Uint8Array(digest.length + sig.length);
    key.set(digest);
    key.set(sig, digest.length);
    return key;
  }

  /** The block's signer (blocks are recovered once each, so not cached). */
  blockSigner(block: protocol.Block): Uint8Array {
    return recoverAddress(blockDigest(block.header ?? protocol.BlockHeader.create()), block.signature);
  }
}
