/**
 * What a set of head-chain blocks settles for the pending set: the transaction ids they include
 * and, per nonce account, the highest nonce they use (pending transactions at or below it can
 * never apply any more).
 */
import { toHex } from "@cairn/core";
import type { protocol } from "@cairn/proto";
import { decodeNonce, nonceAccount } from "@cairn/protocol";

/** Included transaction ids and highest used nonce per account, accumulated block by block. */
export class Inclusions {
  /** Hex ids of included transactions. */
  readonly ids = new Set<string>();
  /** Hex nonce account → highest nonce included. */
  readonly maxNonce = new Map<string, bigint>();
  /** Blocks added. */
  blocks = 0;

  /** Records every transaction of `block`. */
  addBlock(block: protocol.Block): void {
    this.blocks++;
    for (const tx of block.transactions) {
      this.ids.add(toHex(tx.id));
      if (!tx.header) continue;
      let nonce: bigint;
      try {
        nonce = decodeNonce(tx.header.nonce);
      } catch {
        continue; // the chain applied it, so this cannot happen; never let it stop a block
      }
      const account = toHex(nonceAccount(tx.header));
      const prev = this.maxNonce.get(account);
      if (prev === undefined || nonce > prev) this.maxNonce.set(account, nonce);
    }
  }
}
