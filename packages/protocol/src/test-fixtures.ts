/**
 * Test-only loader for `packages/protocol/test-fixtures/koinos-vectors.json` (koilib-produced). It decodes the fixture's Koinos JSON
 * with explicit per-field rules (independent of the JSON codec under test elsewhere), so the
 * crypto vectors check ids and signatures on their own.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromBase58, fromBase64url, fromHex } from "@cairn/core";
import { protocol } from "@cairn/proto";

interface JsonTx {
  header: Record<string, string>;
  operations: { call_contract: { contract_id: string; entry_point: number; args: string } }[];
  id: string;
  signatures: string[];
}
interface JsonBlock {
  header: Record<string, string>;
  transactions: JsonTx[];
  id: string;
  signature: string;
}
export interface Vectors {
  keys: { seed: string; private_key_hex: string; wif_compressed: string; wif_uncompressed: string; public_key_compressed_hex: string; address: string; address_hex: string }[];
  nonces: { value: string; bytes_hex: string; base64url: string }[];
  merkle: { leaves_are_sha256_of_words: string[]; root_hex: string }[];
  transactions: { name: string; chain_id: string; transaction: JsonTx; signers: string[] }[];
  blocks: { height: number; transaction_indexes: number[]; block: JsonBlock }[];
}

/** Path of the vectors file, kept in the repository beside this package. */
export function vectorsPath(): string {
  return join(import.meta.dir, "../test-fixtures/koinos-vectors.json");
}

export function loadVectors(): Vectors {
  return JSON.parse(readFileSync(vectorsPath(), "utf8")) as Vectors;
}

export function txFromJson(j: JsonTx): protocol.Transaction {
  const h = j.header;
  return protocol.Transaction.fromPartial({
    id: fromHex(j.id),
    header: {
      chain_id: fromBase64url(h.chain_id!),
      rc_limit: BigInt(h.rc_limit ?? 0),
      nonce: h.nonce ? fromBase64url(h.nonce) : new Uint8Array(),
      operation_merkle_root: fromBase64url(h.operation_merkle_root!),
      payer: fromBase58(h.payer!),
      payee: h.payee ? fromBase58(h.payee) : new Uint8Array(),
    },
    operations: j.operations.map((op) => ({
      call_contract: { contract_id: fromBase58(op.call_contract.contract_id), entry_point: op.call_contract.entry_point, args: fromBase64url(op.call_contract.args) },
    })),
    signatures: j.signatures.map(fromBase64url),
  });
}

export function blockFromJson(j: JsonBlock): protocol.Block {
  const h = j.header;
  return protocol.Block.fromPartial({
    id: fromHex(j.id),
    header: {
      previous: fromHex(h.previous!),
      height: BigInt(h.height!),
      timestamp: BigInt(h.timestamp!),
      previous_state_merkle_root: fromBase64url(h.previous_state_merkle_root!),
      transaction_merkle_root: fromBase64url(h.transaction_merkle_root!),
      signer: fromBase58(h.signer!),
    },
    transactions: j.transactions.map(txFromJson),
    signature: fromBase64url(j.signature),
  });
}
