/** Every test vector of koinos-protocol.md §8 (plus the §4.6, §4.7 and §5.3 examples). */
import { describe, expect, test } from "bun:test";
import { fromBase58, fromBase64url, fromHex, toBase58, toBase64url, toHex, utf8 } from "@cairn/core";
import { protocol, token } from "@cairn/proto";
import {
  METADATA_KEYS,
  ZERO_ID,
  addressFromBase58,
  addressFromPrivateKey,
  addressFromPublicKey,
  blockHeaderBytes,
  blockId,
  blockSigner,
  decodeNonce,
  encodeNonce,
  loadNativeBackend,
  merkleRoot,
  nobleBackend,
  nonceAccount,
  operationMerkleRoot,
  privateKeyFromSeed,
  privateKeyFromWif,
  privateKeyToWif,
  publicKeyFromPrivate,
  recoverAddress,
  secp256k1Backend,
  sha256,
  signDigest,
  transactionDigest,
  transactionHeaderBytes,
  transactionId,
  transactionMerkleRoot,
  transactionSigners,
  useSecp256k1Backend,
} from "./index.ts";

const ROW1 = fromHex("bab7fd6e5bd624f4ea0c33f7e7219262a6fa93a945a8964d9f110148286b7b37");
const ROW1_ADDRESS = "1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1cs";
const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";
const MAINNET_CHAIN_ID = "EiBZK_GGVP0H_fXVAM3j6EAuz3-B-l3ejxRSewi7qIBfSA==";
const EMPTY_ROOT = "EiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ==";

describe("§8.1 keys and addresses", () => {
  test("row 1: seed, pubkey, addresses, WIFs", () => {
    expect(toHex(privateKeyFromSeed("one two three four five six"))).toBe(toHex(ROW1));
    expect(toHex(publicKeyFromPrivate(ROW1))).toBe("032921dd54fdd8fb5d2ab1a9928db7e9e08b34f8711a3332e0f1b36e71076b9cf2");
    expect(toBase58(addressFromPrivateKey(ROW1))).toBe(ROW1_ADDRESS);
    expect(toHex(addressFromPrivateKey(ROW1))).toBe("00a70062bf4e531669ded37037fa2d377defb998883c5a1138");
    expect(toBase58(addressFromPublicKey(publicKeyFromPrivate(ROW1, false)))).toBe("1AjfrkFYS28SgPWrvaUeY6pThbzF1fUrjQ");
    expect(privateKeyToWif(ROW1, true)).toBe("L3UfgFJWmbVziGB1uZBjkG1UjKkF7hhpXWY7mbTUdmycmvXCVtiL");
    expect(privateKeyToWif(ROW1, false)).toBe("5KEX4TMHG66fT7cM9HMZLmdp4hVq4LC4X2Fkg6zeypM5UteWmtd");
  });
  test("row 2: key 00…01", () => {
    const key = fromHex("00".repeat(31) + "01");
    expect(toBase58(addressFromPrivateKey(key))).toBe("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH");
    expect(privateKeyToWif(key)).toBe("KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn");
    expect(toHex(publicKeyFromPrivate(key))).toBe("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  });
  test("row 3: uncompressed WIF → compressed address", () => {
    const { privateKey, compressed } = privateKeyFromWif("5J1F7GHadZG3sCCKHCwg8Jvys9xUbFsjLnGec4H125Ny1V9nR6V");
    expect(compressed).toBe(false);
    expect(toBase58(addressFromPrivateKey(privateKey))).toBe("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs");
    expect(toHex(addressFromPrivateKey(privateKey))).toBe("00f54a5851e9372b87810a8e60cdd2e7cfd80b6e31c7f18fe8");
  });
  test("row 4: util-golang WIF pair", () => {
    const { privateKey } = privateKeyFromWif("5JtU2c2MHKb8xSeNvsZJpxZRXeRg6iq6uwc6EUtDA9zsWM6B4c5");
    expect(toBase58(addressFromPrivateKey(privateKey))).toBe("13Sqw4TrwdZ8RZ9UVfqqA2i3mrbeumcWba");
    expect(privateKeyToWif(privateKey, true)).toBe("L1xAJ5axX33g7iBynn9bggE7GGBuaFdK6g1t6W52fQiRvQi73evQ");
  });
  test("bad addresses and WIFs are rejected", () => {
    expect(() => addressFromBase58("1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1ct")).toThrow("is an invalid address");
    expect(() => addressFromBase58("0OIl")).toThrow("is an invalid address");
    expect(() => privateKeyFromWif("L3UfgFJWmbVziGB1uZBjkG1UjKkF7hhpXWY7mbTUdmycmvXCVtiM")).toThrow("bad checksum");
  });
});

describe("§8.2 merkle", () => {
  const leaves = "the quick brown fox jumps over a lazy dog".split(" ").map((w) => sha256(utf8(w)));
  test("9-leaf root, first pair, 8-leaf subtree, lone leaf carried up", () => {
    expect(toHex(merkleRoot(leaves))).toBe("e24e552e0b6cf8835af179a14a766fb58c23e4ee1f7c6317d57ce39cc578cfac");
    expect(toHex(merkleRoot(leaves.slice(0, 2)))).toBe("0020397085ab4494829e691c49353a04d3201fda20c6a8a6866cf0f84bb8ce47");
    expect(toHex(merkleRoot(leaves.slice(0, 8)))).toBe("913b7dce068efc8db6fab0173481f137ce91352b341855a1719aaff926169987");
    expect(toHex(leaves[8]!).startsWith("cd6357ef")).toBe(true);
    expect(toHex(leaves[8]!).endsWith("fb8944")).toBe(true);
  });
  test("zero leaves → sha256('')", () => {
    expect(toBase64url(operationMerkleRoot([]))).toBe(EMPTY_ROOT);
  });
});

/** The §8.3 transfer: from row 1 to its uncompressed-key address, value 1000. */
function transferOperation(): protocol.Operation {
  const args = token.TransferArguments.encode(
    token.TransferArguments.fromPartial({ from: fromBase58(ROW1_ADDRESS), to: fromBase58("1AjfrkFYS28SgPWrvaUeY6pThbzF1fUrjQ"), value: 1000n }),
  ).finish();
  return protocol.Operation.fromPartial({ call_contract: { contract_id: fromBase58(KOIN), entry_point: 670398154, args } });
}

function transferTransaction(): protocol.Transaction {
  const ops = [transferOperation()];
  const header = protocol.TransactionHeader.fromPartial({
    chain_id: fromBase64url(MAINNET_CHAIN_ID),
    rc_limit: 500000000n,
    nonce: fromBase64url("KAE="),
    operation_merkle_root: operationMerkleRoot(ops),
    payer: fromBase58(ROW1_ADDRESS),
  });
  return protocol.Transaction.fromPartial({
    id: transactionId(header),
    header,
    operations: ops,
    signatures: [fromBase64url("IGUsy4LYbEPPsqcAQFnBWNz_lbHF5ACr2dunzFanldmJagdfIFaZytH3btP-NW2Nf4F2yzsoOtxiqDKOhzKM2wc=")],
  });
}

describe("§5.3 contract call arguments", () => {
  test("transfer args", () => {
    const op = transferOperation();
    expect(toHex(op.call_contract!.args)).toBe("0a1900a70062bf4e531669ded37037fa2d377defb998883c5a113812190" + "06acb0a09b60f4356ae8cd924a4c0d01d4737bb822cb3901718e807");
    expect(toBase64url(op.call_contract!.args)).toBe("ChkApwBiv05TFmne03A3-i03fe-5mIg8WhE4EhkAassKCbYPQ1aujNkkpMDQHUc3u4Iss5AXGOgH");
  });
  test("balanceOf args and a uint64 result", () => {
    const args = token.BalanceOfArguments.encode({ owner: fromBase58(ROW1_ADDRESS) }).finish();
    expect(toBase64url(args)).toBe("ChkApwBiv05TFmne03A3-i03fe-5mIg8WhE4");
    expect(token.Uint64Result.decode(fromBase64url("CMDEBw==")).value).toBe(123456n);
  });
  test("KOIN address bytes", () => {
    expect(toHex(addressFromBase58(KOIN))).toBe("002e33fd1aa907b224ce9ce6c94228901d283a02da956da791");
  });
});

describe("§8.3 KOIN transfer on mainnet chain id", () => {
  test("operation bytes, op merkle root, header bytes, id, signature", () => {
    const tx = transferTransaction();
    expect(toHex(protocol.Operation.encode(tx.operations[0]!).finish())).toBe(
      "125c0a19002e33fd1aa907b224ce9ce6c94228901d283a02da956da79110caedd5bf021a390a1900a70062bf4e531669ded37037fa2d377defb998883c5a11381219006acb0a09b60f4356ae8cd924a4c0d01d4737bb822cb3901718e807",
    );
    expect(toBase64url(tx.header!.operation_merkle_root)).toBe("EiDdLXp4gZE4ihE8FXTGBUjVSUTgqV9zC9UgQl91s-pQLw==");
    expect(toHex(transactionHeaderBytes(tx.header!))).toBe(
      "0a221220592bf18654fd07fdf5d500cde3e8402ecf7f81fa5dde8f14527b08bba8805f481080cab5ee011a02280122221220dd2d7a788191388a113c1574c60548d54944e0a95f730bd520425f75b3ea502f2a1900a70062bf4e531669ded37037fa2d377defb998883c5a1138",
    );
    expect("0x" + toHex(tx.id)).toBe("0x12207b158903d779aaad3ea10a70a71daa00ae02f2ae5ce7fbe32fc4c9cf57733602");
    expect(tx.signatures[0]![0]).toBe(32);
    expect(transactionSigners(tx).map(toBase58)).toEqual([ROW1_ADDRESS]);
    expect(toBase64url(signDigest(transactionDigest(tx.header!), ROW1))).toBe(toBase64url(tx.signatures[0]!));
  });
});

describe("§8.4 transaction without operations", () => {
  const header = (rc: bigint) =>
    protocol.TransactionHeader.fromPartial({
      chain_id: fromBase64url("EiB-hw5ABo-EXy6fGDd1Iq3gbAenxQ4Qe60pRbEVMVrR9A=="),
      rc_limit: rc,
      nonce: fromBase64url("OAg="),
      operation_merkle_root: operationMerkleRoot([]),
      payer: fromBase58("19JntSm8pSNETT9aHTwAUHC5RMoaSmgZPJ"),
    });
  test("id and signature (rc 10), id (rc 12)", () => {
    expect(toBase64url(header(10n).operation_merkle_root)).toBe(EMPTY_ROOT);
    expect("0x" + toHex(transactionId(header(10n)))).toBe("0x1220264054966df1cdd3c0d1e68016deff8595cf57cdd40559e6268bc6192e4d2bbc");
    expect(toBase64url(signDigest(transactionDigest(header(10n)), ROW1))).toBe("IO-ne7ZAGpR3quaouNM-JiGFBxPL_Y5pr3kBL9HJeALRBT3jb3Um-FBYO917JK9oPMbNhEWogEhgiyFn0qd_wZs=");
    expect("0x" + toHex(transactionId(header(12n)))).toBe("0x1220b4920e019ebf164cabb74edf85a259a69e29878332d386748aa34ad6c774ef25");
  });
});

describe("§8.5 blocks", () => {
  test("koilib test block: header bytes, id, signature", () => {
    const header = protocol.BlockHeader.fromPartial({
      previous: fromHex("0x12203c7c767900e472ada19b5acd4e46af8a33911b282eb29003048c83061673c5b4"),
      height: 123n,
      timestamp: 1646252907250n,
      previous_state_merkle_root: fromBase64url("EiBBZoKzt9IK39bRSFl1AGroqsP0vxG67jQifTEpYbjrdQ=="),
      transaction_merkle_root: transactionMerkleRoot([]),
      signer: fromBase58(ROW1_ADDRESS),
    });
    expect(toBase64url(header.transaction_merkle_root)).toBe(EMPTY_ROOT);
    expect(toHex(blockHeaderBytes(header))).toBe(
      "0a2212203c7c767900e472ada19b5acd4e46af8a33911b282eb29003048c83061673c5b4107b18f2b5c7e2f42f22221220416682b3b7d20adfd6d1485975006ae8aac3f4bf11baee34227d312961b8eb752a221220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855321900a70062bf4e531669ded37037fa2d377defb998883c5a1138",
    );
    expect("0x" + toHex(blockId(header))).toBe("0x1220b86711a6ecd9c4fff1488a9a1df1db6047425f5de80b396a40f1c29cfb6d0790");
    const block = protocol.Block.fromPartial({ id: blockId(header), header, signature: fromBase64url("II4-lbqNFR7re6fv-9zN0F3Z9d1DZZ67TJZrnYGJwZN1fPwxuurBKPS7ndVG8GyKIWxKTXyC4jLBVgwZvSHc1_U=") });
    expect(toBase58(blockSigner(block))).toBe(ROW1_ADDRESS);
  });
  test("genesis-style block 1 with the §8.3 transaction", () => {
    const tx = transferTransaction();
    const header = protocol.BlockHeader.fromPartial({
      previous: ZERO_ID,
      height: 1n,
      timestamp: 1700000000000n,
      previous_state_merkle_root: fromBase64url(EMPTY_ROOT),
      transaction_merkle_root: transactionMerkleRoot([tx]),
      signer: fromBase58(ROW1_ADDRESS),
    });
    expect("0x" + toHex(ZERO_ID)).toBe("0x1220" + "0".repeat(64));
    expect(toBase64url(header.transaction_merkle_root)).toBe("EiBj-KH3o8dko1BcF5ssh69VZsEOHef5GHvTnLoHVHZ4mA==");
    expect("0x" + toHex(blockId(header))).toBe("0x1220f8725e3cb7ba3b1bbe85ebfa2913add745b30e9d3ef06c3dd01932209bf1c405");
  });
});

describe("§4.6 nonces", () => {
  test.each([
    [0n, "2800", "KAA="],
    [1n, "2801", "KAE="],
    [2n, "2802", "KAI="],
    [17n, "2811", "KBE="],
    [123n, "287b", "KHs="],
    [300n, "28ac02", "KKwC"],
  ])("%p", (n, hex, b64) => {
    expect(toHex(encodeNonce(n))).toBe(hex);
    expect(toBase64url(encodeNonce(n))).toBe(b64);
    expect(decodeNonce(fromHex(hex))).toBe(n);
  });
  test("bytes that are not a uint64 value_type are rejected", () => {
    expect(() => decodeNonce(fromBase64url("OAg="))).toThrow("uint64_value");
  });
  test("the direct read of the usual form agrees with the full decode, and every other form takes the decode", () => {
    const full = (bytes: Uint8Array) => protocol.ValueType.decode(bytes).uint64_value;
    const values = [0n, 1n, 127n, 128n, 300n, 16_383n, 16_384n, 2n ** 48n - 1n, 2n ** 48n, 2n ** 49n - 1n, 2n ** 49n, 2n ** 56n, 2n ** 63n + 5n, 2n ** 64n - 1n];
    for (const n of values) {
      const bytes = encodeNonce(n);
      expect(decodeNonce(bytes)).toBe(n);
      expect(decodeNonce(bytes)).toBe(full(bytes)!);
    }
    // Overlong varints, a second field after the value, a value then more bytes: as the decode reads them.
    for (const hex of ["28ff00", "288001", "2801" + "2802", "2805" + "3001", "28808080808080808001"]) {
      expect(decodeNonce(fromHex(hex))).toBe(full(fromHex(hex))!);
    }
    // A varint cut short fails as the decode fails.
    expect(() => decodeNonce(fromHex("2880"))).toThrow("serialized value_type");
  });
  test("the nonce account is the payee when set and different from the payer, else the payer", () => {
    const payer = fromHex("00".repeat(24) + "01");
    const payee = fromHex("00".repeat(24) + "02");
    const header = (p: Partial<protocol.TransactionHeader>) => protocol.TransactionHeader.fromPartial({ payer, ...p });
    expect(nonceAccount(header({}))).toEqual(payer);
    expect(nonceAccount(header({ payee }))).toEqual(payee);
    expect(nonceAccount(header({ payee: payer.slice() }))).toEqual(payer);
  });
});

describe("§4.7 metadata keys", () => {
  const std = (b: Uint8Array) => Buffer.from(b).toString("base64");
  test("object keys", () => {
    expect(std(METADATA_KEYS.headBlock)).toBe("EiDIiXqmJH5E+r9zJwsyZAAqmy+mZUrXRH47P4AmqzkbTA==");
    expect(std(METADATA_KEYS.chainId)).toBe("EiC2TxzM0RN2W2E0MBlA2ySVPwzs6ogWLW9152olXzXk3w==");
    expect(std(METADATA_KEYS.genesisKey)).toBe("EiC3nO+XbeKg4C8ugW7M7XdfmJKY4i3l91KoJWxosQPImA==");
    expect(std(METADATA_KEYS.resourceLimitData)).toBe("EiAcNQJ8B7BQ+R1Wxk07JBFi/6X6oMQR8avARhKkydjkMg==");
    expect(std(METADATA_KEYS.maxAccountResources)).toBe("EiB7eqyh1n1vpsS7Ggp7ZnqGSKNr+dHFvusyM/gV6rZhXg==");
    expect(std(METADATA_KEYS.protocolDescriptor)).toBe("EiBMezfqu4tFcVyqG9ZYM/6TQTvcTJJpoh9HhlYEXzI2CA==");
    expect(std(METADATA_KEYS.computeBandwidthRegistry)).toBe("EiDFT+hxwJ6HJQ/FD9EWzMPpwP3bYTaCQ1r1oAf1VK+Hwg==");
    expect(std(METADATA_KEYS.blockHashCode)).toBe("EiDdT5YKsc6rkqh1bb/k+YQpDkDPEnQPlKEZwlcv2P+4lw==");
  });
});

describe("secp256k1 backends agree", () => {
  const native = loadNativeBackend();
  test("the native binding loads here", () => {
    expect(native?.name).toBe("native");
  });
  test("the default backend is chosen on first use and can be set explicitly", () => {
    const before = secp256k1Backend();
    expect(before.name).toBe(process.env.CAIRN_SECP256K1 === "noble" ? "noble" : "native");
    try {
      useSecp256k1Backend(nobleBackend);
      expect(secp256k1Backend()).toBe(nobleBackend);
      const key = privateKeyFromSeed("explicit backend");
      const digest = sha256(utf8("explicit"));
      expect(toHex(signDigest(digest, key))).toBe(toHex(signDigest(digest, key, before)));
    } finally {
      useSecp256k1Backend(before);
    }
  });
  test("noble and native sign identically and recover each other's signatures", () => {
    for (let i = 0; i < 20; i++) {
      const key = privateKeyFromSeed(`backend ${i}`);
      const digest = sha256(utf8(`message ${i}`));
      const a = signDigest(digest, key, nobleBackend);
      const b = signDigest(digest, key, native!);
      expect(toHex(a)).toBe(toHex(b));
      expect(toHex(recoverAddress(digest, a, native!))).toBe(toHex(addressFromPrivateKey(key)));
      expect(toHex(recoverAddress(digest, b, nobleBackend))).toBe(toHex(addressFromPrivateKey(key)));
    }
  });
  test("malformed signatures are rejected with the Koinos invalid_signature code", () => {
    const digest = sha256(utf8("x"));
    expect(() => recoverAddress(digest, new Uint8Array(64))).toThrow("65 bytes");
    const bad = new Uint8Array(65);
    bad[0] = 27;
    expect(() => recoverAddress(digest, bad)).toThrow("31..34");
    bad[0] = 31;
    try {
      recoverAddress(digest, bad);
      throw new Error("should throw");
    } catch (e) {
      expect((e as { chainCode?: number }).chainCode).toBe(-202);
    }
  });
});
