/**
 * Real signed blocks and transactions for the block store's tests: a main chain 1..5 and a fork
 * at height 3 (3′..5′, then 6′), with one transaction included on both forks.
 *
 * ```
 * 1 ─ 2 ─ 3 ─ 4 ─ 5            main (stored first)
 *      └─ 3′─ 4′─ 5′─ 6′       fork
 * ```
 */
import { utf8 } from "@cairn/core";
import { protocol } from "@cairn/proto";
import { KoinEntryPoint, ZERO_ID, addressFromPrivateKey, buildBlock, buildTransaction, privateKeyFromSeed, sha256Multihash } from "@cairn/protocol";

/** Key that signs every fixture block. */
export const PRODUCER_KEY = privateKeyFromSeed("block-store test producer");
/** Chain id the fixture transactions are signed for. */
export const CHAIN_ID = sha256Multihash(utf8("block-store test chain"));
const TOKEN = addressFromPrivateKey(privateKeyFromSeed("block-store test token"));

/** A signed call from account `seed` with `nonce` (unsigned when `sign` is false: cheap, for volume). */
export function makeTransaction(seed: string, nonce: bigint, sign = true): protocol.Transaction {
  const key = privateKeyFromSeed(seed);
  const operation = protocol.Operation.fromPartial({ call_contract: { contract_id: TOKEN, entry_point: KoinEntryPoint.transfer, args: utf8(`${seed}:${nonce}`) } });
  const draft = { chainId: CHAIN_ID, payer: addressFromPrivateKey(key), nonce, rcLimit: 1_000_000n, operations: [operation] };
  return sign ? buildTransaction(draft, key) : buildTransaction(draft);
}

/**
 * A signed block on `parent` (undefined: block 1 on genesis). `salt` changes the timestamp, so
 * siblings differ. `height` and `previous` override the parent's (forged blocks for tests).
 */
export function makeBlock(parent: protocol.Block | undefined, transactions: protocol.Transaction[] = [], salt = 0n, height = (parent?.header?.height ?? 0n) + 1n, previous = parent?.id ?? ZERO_ID): protocol.Block {
  return buildBlock(
    {
      previous,
      height,
      timestamp: 1_700_000_000_000n + height * 3_000n + salt,
      previousStateMerkleRoot: sha256Multihash(utf8(`state ${height} ${salt}`)),
      transactions,
    },
    PRODUCER_KEY,
  );
}

/** A receipt for `block` with one transaction receipt per transaction. */
export function makeReceipt(block: protocol.Block): protocol.BlockReceipt {
  return protocol.BlockReceipt.fromPartial({
    id: block.id,
    height: block.header?.height ?? 0n,
    state_merkle_root: sha256Multihash(block.id),
    transaction_receipts: block.transactions.map((tx) => ({ id: tx.id, payer: tx.header?.payer, rc_used: 1_000n })),
    logs: [`block ${block.header?.height}`],
  });
}

/** A chain of `count` blocks on `parent`, each with the given transactions (by index) or none. */
export function makeChain(parent: protocol.Block | undefined, count: number, salt = 0n, txs: (i: number) => protocol.Transaction[] = () => []): protocol.Block[] {
  const out: protocol.Block[] = [];
  let tip = parent;
  for (let i = 0; i < count; i++) {
    tip = makeBlock(tip, txs(i), salt);
    out.push(tip);
  }
  return out;
}

/** The main chain and fork pictured above. */
export interface Fixture {
  /** Blocks 1..5 (index i is height i + 1). */
  main: protocol.Block[];
  /** Blocks 3′..6′ (index i is height i + 3); 3′'s parent is main block 2. */
  fork: protocol.Block[];
  /** In main block 3 and in fork block 3′. */
  shared: protocol.Transaction;
  /** Only in main block 4. */
  mainOnly: protocol.Transaction;
  /** Only in fork block 4′. */
  forkOnly: protocol.Transaction;
  /** Never included anywhere. */
  unknown: protocol.Transaction;
}

let cached: Fixture | undefined;

/** Builds (once per process) the fixture chains. */
export function fixture(): Fixture {
  if (cached) return cached;
  const shared = makeTransaction("alice", 1n);
  const mainOnly = makeTransaction("bob", 1n);
  const forkOnly = makeTransaction("carol", 1n);
  const unknown = makeTransaction("dave", 1n);
  const b1 = makeBlock(undefined, [makeTransaction("erin", 1n)]);
  const b2 = makeBlock(b1, []);
  const b3 = makeBlock(b2, [shared, makeTransaction("erin", 2n)]);
  const b4 = makeBlock(b3, [mainOnly]);
  const b5 = makeBlock(b4, []);
  const f3 = makeBlock(b2, [makeTransaction("frank", 1n), shared], 1n);
  const f4 = makeBlock(f3, [forkOnly], 1n);
  const f5 = makeBlock(f4, [], 1n);
  const f6 = makeBlock(f5, [], 1n);
  cached = { main: [b1, b2, b3, b4, b5], fork: [f3, f4, f5, f6], shared, mainOnly, forkOnly, unknown };
  return cached;
}

/** Height of a block. */
export function heightOf(block: protocol.Block): bigint {
  return block.header?.height ?? 0n;
}
