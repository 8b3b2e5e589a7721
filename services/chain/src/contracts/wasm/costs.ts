/**
 * Compute ticks charged per system call from WASM: the Koinos genesis
 * `compute_bandwidth_registry` (docs/koinos-vm.md §8.1), plus deserialization per argument byte.
 */
export const REGISTRY: Readonly<Record<string, number>> = {
  get_head_info: 2099,
  get_chain_id: 1046,
  get_transaction: 1584,
  get_transaction_field: 1530,
  get_block: 1134,
  get_block_field: 1417,
  get_last_irreversible_block: 772,
  get_account_nonce: 821,
  verify_account_nonce: 822,
  set_account_nonce: 749,
  check_system_authority: 12750,
  get_operation: 1081,
  get_account_rc: 1072,
  consume_account_rc: 735,
  get_resource_limits: 1227,
  consume_block_resources: 753,
  put_object: 1057,
  remove_object: 893,
  get_object: 1054,
  get_next_object: 11181,
  get_prev_object: 15445,
  log: 738,
  event: 1222,
  event_per_impacted: 101,
  hash: 1570,
  sha1_base: 1151,
  sha2_256_base: 1385,
  sha2_512_base: 1445,
  keccak_256_base: 1406,
  ripemd_160_base: 1343,
  recover_public_key: 29630,
  verify_merkle_root: 1,
  verify_signature: 762,
  verify_vrf_proof: 144067,
  call: 3573,
  exit: 11636,
  get_arguments: 809,
  get_contract_id: 778,
  get_caller: 825,
  check_authority: 12653,
  // Cairn serves these natively (the reference overrides them with contracts).
  get_contract_metadata: 1054,
  get_contract_name: 1054,
  get_contract_address: 1054,
};

/** Per byte of argument deserialized, of object value read or written, of data hashed. */
export const PER_BYTE = 1;
