/** Building and signing transactions and blocks (clients, the block producer, tests). */
import { protocol } from "@cairn/proto";
import { blockDigest, blockId, operationMerkleRoot, rememberTransactionMerkleRoot, transactionDigest, transactionId, transactionMerkleRoot } from "./ids.ts";
import { addressFromPrivateKey } from "./keys.ts";
import { encodeNonce } from "./nonce.ts";
import { recoverAddress, signDigest } from "./signature.ts";

export interface TransactionDraft {
  chainId: Uint8Array;
  /** Payer address bytes; default: the signing key's address. */
  payer?: Uint8Array;
  /** Payee (whose nonce is used) when it differs from the payer. */
  payee?: Uint8Array;
  nonce: bigint;
  rcLimit: bigint;
  operations: protocol.Operation[];
}

/** Builds a transaction (header, op merkle root, id) and signs it with every key given. */
export function buildTransaction(draft: TransactionDraft, ...privateKeys: Uint8Array[]): protocol.Transaction {
  const header = protocol.TransactionHeader.fromPartial({
    chain_id: draft.chainId,
    rc_limit: draft.rcLimit,
    nonce: encodeNonce(draft.nonce),
    operation_merkle_root: operationMerkleRoot(draft.operations),
    payer: draft.payer ?? (privateKeys[0] ? addressFromPrivateKey(privateKeys[0]) : new Uint8Array()),
    payee: draft.payee ?? new Uint8Array(),
  });
  const tx = protocol.Transaction.fromPartial({ id: transactionId(header), header, operations: draft.operations, signatures: [] });
  for (const key of privateKeys) signTransaction(tx, key);
  return tx;
}

/** Appends a signature of the transaction's header digest (sets `id` from the header). */
export function signTransaction(tx: protocol.Transaction, privateKey: Uint8Array): protocol.Transaction {
  const header = tx.header ?? protocol.TransactionHeader.create();
  tx.id = transactionId(header);
  tx.signatures.push(signDigest(transactionDigest(header), privateKey));
  return tx;
}

/** Sets the block id from its header and signs it (bare 65-byte signature). */
export function signBlock(block: protocol.Block, privateKey: Uint8Array): protocol.Block {
  const header = block.header ?? protocol.BlockHeader.create();
  block.id = blockId(header);
  block.signature = signDigest(blockDigest(header), privateKey);
  return block;
}

/** Addresses that signed a transaction, one per signature, in order. */
export function transactionSigners(tx: protocol.Transaction): Uint8Array[] {
  const digest = transactionDigest(tx.header ?? protocol.TransactionHeader.create());
  return tx.signatures.map((s) => recoverAddress(digest, s));
}

/** Address that signed a block. */
export function blockSigner(block: protocol.Block): Uint8Array {
  return recoverAddress(blockDigest(block.header ?? protocol.BlockHeader.create()), block.signature);
}

export interface BlockDraft {
  previous: Uint8Array;
  height: bigint;
  /** ms since epoch. */
  timestamp: bigint;
  previousStateMerkleRoot: Uint8Array;
  transactions: protocol.Transaction[];
  /** The signer's address when the caller has it (deriving it from the key costs ~1 ms per block). */
  signer?: Uint8Array;
}

/** Builds a block on a parent (header, transaction merkle root, signer) and signs it. */
export function buildBlock(draft: BlockDraft, privateKey: Uint8Array): protocol.Block {
  const root = transactionMerkleRoot(draft.transactions);
  const header = protocol.BlockHeader.fromPartial({
    previous: draft.previous,
    height: draft.height,
    timestamp: draft.timestamp,
    previous_state_merkle_root: draft.previousStateMerkleRoot,
    transaction_merkle_root: root,
    signer: draft.signer ?? addressFromPrivateKey(privateKey),
  });
  // Built whole: the transactions are the draft's objects, not copies (a proposed block's are the
  // mempool's, which the chain remembered the encodings of: the block store splices those).
  const block: protocol.Block = { id: new Uint8Array(0), header, transactions: [...draft.transactions], signature: new Uint8Array(0) };
  // The checks downstream (chain, block store) recognise the root the header holds: no hashing again.
  rememberTransactionMerkleRoot(block.header!.transaction_merkle_root, block.transactions);
  return signBlock(block, privateKey);
}
