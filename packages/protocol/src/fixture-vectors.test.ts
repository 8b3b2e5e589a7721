/** Every vector of `test-fixtures/koinos-vectors.json` (produced by koilib 9.1.1), byte for byte. */
import { describe, expect, test } from "bun:test";
import { fromBase64url, fromHex, toBase58, toBase64url, toHex, utf8 } from "@cairn/core";
import { protocol } from "@cairn/proto";
import {
  addressFromPrivateKey,
  addressFromPublicKey,
  blockId,
  blockSigner,
  decodeNonce,
  encodeNonce,
  merkleRoot,
  operationMerkleRoot,
  privateKeyFromSeed,
  privateKeyFromWif,
  privateKeyToWif,
  publicKeyFromPrivate,
  sha256,
  signBlock,
  signTransaction,
  transactionId,
  transactionMerkleRoot,
  transactionSigners,
} from "./index.ts";
import { blockFromJson, loadVectors, txFromJson } from "./test-fixtures.ts";

const v = loadVectors();
const keyByAddress = new Map(v.keys.map((k) => [k.address, fromHex(k.private_key_hex)]));

describe("keys", () => {
  for (const k of v.keys) {
    test(`seed "${k.seed}"`, () => {
      const priv = privateKeyFromSeed(k.seed);
      expect(toHex(priv)).toBe(k.private_key_hex);
      expect(toHex(publicKeyFromPrivate(priv))).toBe(k.public_key_compressed_hex);
      expect(toHex(addressFromPrivateKey(priv))).toBe(k.address_hex);
      expect(toBase58(addressFromPublicKey(fromHex(k.public_key_compressed_hex)))).toBe(k.address);
      expect(privateKeyToWif(priv, true)).toBe(k.wif_compressed);
      expect(privateKeyToWif(priv, false)).toBe(k.wif_uncompressed);
      expect(toHex(privateKeyFromWif(k.wif_compressed).privateKey)).toBe(k.private_key_hex);
      expect(privateKeyFromWif(k.wif_compressed).compressed).toBe(true);
      expect(toHex(privateKeyFromWif(k.wif_uncompressed).privateKey)).toBe(k.private_key_hex);
      expect(privateKeyFromWif(k.wif_uncompressed).compressed).toBe(false);
    });
  }
});

describe("nonces", () => {
  for (const n of v.nonces) {
    test(`nonce ${n.value}`, () => {
      const bytes = encodeNonce(BigInt(n.value));
      expect(toHex(bytes)).toBe(n.bytes_hex);
      expect(toBase64url(bytes)).toBe(n.base64url);
      expect(decodeNonce(fromBase64url(n.base64url))).toBe(BigInt(n.value));
    });
  }
});

describe("merkle", () => {
  for (const m of v.merkle) {
    test(`${m.leaves_are_sha256_of_words.length} leaves`, () => {
      expect(toHex(merkleRoot(m.leaves_are_sha256_of_words.map((w) => sha256(utf8(w)))))).toBe(m.root_hex);
    });
  }
});

describe("transactions", () => {
  for (const t of v.transactions) {
    test(t.name, () => {
      const tx = txFromJson(t.transaction);
      const header = tx.header!;
      expect(toBase64url(header.chain_id)).toBe(t.chain_id);
      expect(toBase64url(operationMerkleRoot(tx.operations))).toBe(t.transaction.header.operation_merkle_root!);
      expect("0x" + toHex(transactionId(header))).toBe(t.transaction.id);
      expect(transactionSigners(tx).map(toBase58)).toEqual(t.signers);
      // Re-signing with the signers' keys reproduces koilib's signatures byte for byte.
      const resigned = protocol.Transaction.fromPartial({ ...tx, signatures: [] });
      for (const signer of t.signers) signTransaction(resigned, keyByAddress.get(signer)!);
      expect(resigned.signatures.map(toBase64url)).toEqual(t.transaction.signatures);
      expect("0x" + toHex(resigned.id)).toBe(t.transaction.id);
    });
  }
});

describe("blocks", () => {
  for (const b of v.blocks) {
    test(`block ${b.height}`, () => {
      const block = blockFromJson(b.block);
      const header = block.header!;
      expect(header.height).toBe(BigInt(b.height));
      expect(block.transactions.map((tx) => toHex(tx.id))).toEqual(b.transaction_indexes.map((i) => toHex(fromHex(v.transactions[i]!.transaction.id))));
      expect(toBase64url(transactionMerkleRoot(block.transactions))).toBe(b.block.header.transaction_merkle_root!);
      expect("0x" + toHex(blockId(header))).toBe(b.block.id);
      expect(toBase58(blockSigner(block))).toBe(b.block.header.signer!);
      const resigned = signBlock(protocol.Block.fromPartial({ ...block, id: new Uint8Array(), signature: new Uint8Array() }), keyByAddress.get(b.block.header.signer!)!);
      expect(toBase64url(resigned.signature)).toBe(b.block.signature);
      expect("0x" + toHex(resigned.id)).toBe(b.block.id);
    });
  }
  test("blocks chain by previous", () => {
    for (let i = 1; i < v.blocks.length; i++) expect(v.blocks[i]!.block.header.previous).toBe(v.blocks[i - 1]!.block.id);
  });
});
