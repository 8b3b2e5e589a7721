/** Chain id and the system metadata object keys of Koinos (protocol §4.7). */
import { utf8 } from "@cairn/core";
import { protocol } from "@cairn/proto";
import { sha256Multihash } from "./hash.ts";

/** chain id = sha256 multihash of the genesis data's protobuf bytes. */
export function chainIdFromGenesis(genesis: protocol.GenesisData): Uint8Array {
  return sha256Multihash(protocol.GenesisData.encode(genesis).finish());
}

/** Key of a system metadata object: sha256 multihash of its ASCII name. */
export function objectKey(name: string): Uint8Array {
  return sha256Multihash(utf8(name));
}

/** The metadata keys Koinos defines (space {system: true, zone: "", id: 0}). */
export const METADATA_KEYS = {
  headBlock: objectKey("object_key::head_block"),
  chainId: objectKey("object_key::chain_id"),
  genesisKey: objectKey("object_key::genesis_key"),
  resourceLimitData: objectKey("object_key::resource_limit_data"),
  maxAccountResources: objectKey("object_key::max_account_resources"),
  protocolDescriptor: objectKey("object_key::protocol_descriptor"),
  computeBandwidthRegistry: objectKey("object_key::compute_bandwidth_registry"),
  blockHashCode: objectKey("object_key::block_hash_code"),
} as const;

/** koinos.chain.system_space_id: the system object spaces. */
export const SystemSpace = {
  metadata: 0,
  systemCallDispatch: 1,
  contractBytecode: 2,
  contractMetadata: 3,
  transactionNonce: 4,
} as const;
