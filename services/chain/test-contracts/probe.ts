// Reports what the host answers to the informational system calls, one log line each.
import { System, Protobuf, token, chain, protocol, Arrays, Crypto, StringBytes } from "@koinos/sdk-as";

function b(v: bool): string {
  return v ? "true" : "false";
}

export function main(): i32 {
  const a = System.getArguments();
  const args = Protobuf.decode<token.mint_arguments>(a.args, token.mint_arguments.decode);
  const head = System.getHeadInfo();
  System.log("head=" + head.head_topology!.height.toString() + " lib=" + System.getLastIrreversibleBlock().toString());
  System.log("chain_id=" + System.getChainId().length.toString());
  const caller = System.getCaller();
  System.log("caller=" + caller.caller.length.toString() + "/" + (caller.caller_privilege as i32).toString());
  System.log("self=" + b(Arrays.equal(System.getContractId(), System.getContractId())));
  System.log("sha256=" + Arrays.toHexString(System.hash(Crypto.multicodec.sha2_256, StringBytes.stringToBytes("abc"))!, false));
  System.log("keccak=" + Arrays.toHexString(System.hash(Crypto.multicodec.keccak_256, StringBytes.stringToBytes(""))!, false));
  System.log("koin=" + System.getContractName(System.getContractAddress("koin")));
  System.log("limits=" + System.getResourceLimits().compute_bandwidth_limit.toString());
  const meta = System.getContractMetadata(System.getContractId());
  System.log("meta=" + (meta ? meta!.hash.length.toString() : "none"));
  if (args.value >= 1) {
    // inside a transaction
    const tx = System.getTransaction();
    const payer = System.getTransactionField("header.payer")!;
    System.log("payer=" + b(Arrays.equal(payer.bytes_value, tx.header!.payer)) + " is_arg=" + b(Arrays.equal(tx.header!.payer, args.to)));
    System.log("rc>0=" + b(System.getAccountRC(args.to) > 0));
    System.log("nonce=" + Arrays.toHexString(System.getAccountNonce(args.to)!, false));
    const op = System.getOperation();
    System.log("op=" + op.call_contract!.entry_point.toString());
    const key = System.recoverPublicKey(tx.signatures[0], tx.id)!;
    System.log("recover=" + key.length.toString() + " address=" + b(Arrays.equal(Crypto.addressFromPublicKey(key), tx.header!.payer)));
    System.log("verify=" + b(System.verifySignature(key, tx.signatures[0], tx.id)));
    System.log("merkle=" + b(System.verifyMerkleRoot(tx.header!.operation_merkle_root, [System.hash(Crypto.multicodec.sha2_256, Protobuf.encode(op, protocol.operation.encode))!])));
  }
  if (args.value >= 2) {
    // inside a block
    const height = System.getBlockField("header.height")!;
    System.log("block=" + height.uint64_value.toString() + " signer=" + System.getBlock().header!.signer.length.toString());
  }
  System.exit(0, new Uint8Array(0));
  return 0;
}

main();
