/**
 * @cairn/protocol — the Koinos rules every service shares, as pure functions tested against the
 * koilib-produced vectors: hashing and multihash, merkle roots, transaction and block ids,
 * signatures (sign, recover), addresses and WIF keys, nonce values, chain id and metadata keys,
 * Koinos numeric tables, the Koinos JSON codec driven by the `bytes_encoding` field option, and
 * contract events decoded where their ABI is known (KOIN's built in, uploaded ABIs through a source).
 */
export * from "./hash.ts";
export * from "./merkle.ts";
export * from "./keys.ts";
export * from "./signature.ts";
export * from "./nonce.ts";
export * from "./ids.ts";
export * from "./sign.ts";
export * from "./chain-id.ts";
export * from "./constants.ts";
export * from "./json/index.ts";
export * from "./events/index.ts";
export * from "./rejections.ts";
export * from "./recovery-pool.ts";
