// A contract that exercises the host: storage, events, logs, calls into KOIN, authority, an
// `authorize` override, and the failure modes (infinite loop, revert, float, deep recursion).
import { System, Protobuf, token, authority, chain, system_calls} from "@koinos/sdk-as";



function space(id: u32): chain.object_space {
  return new chain.object_space(false, System.getContractId(), id);
}

function u64Result(v: u64): Uint8Array {
  return Protobuf.encode(new token.balance_of_result(v), token.balance_of_result.encode);
}

function recurse(n: u32): u32 {
  return n == 0 ? 0 : recurse(n - 1) + 1;
}

export function main(): i32 {
  const a = System.getArguments();
  let out = new Uint8Array(0);
  if (a.entry_point == 1) {
    // set(key = mint.to, value = mint.value): stores, logs and emits an event
    const args = Protobuf.decode<token.mint_arguments>(a.args, token.mint_arguments.decode);
    System.putBytes(space(0), args.to, u64Result(args.value));
    System.log("set " + args.value.toString());
    System.event("demo.set", a.args, [args.to]);
  } else if (a.entry_point == 2) {
    // get(key = balance_of.owner) -> balance_of_result (0 when absent)
    const args = Protobuf.decode<token.balance_of_arguments>(a.args, token.balance_of_arguments.decode);
    const v = System.getBytes(space(0), args.owner);
    out = v ? v : u64Result(0);
  } else if (a.entry_point == 3) {
    let i: u64 = 0;
    while (true) { i++; }
  } else if (a.entry_point == 4) {
    System.log("about to revert");
    System.revert("demo says no");
  } else if (a.entry_point == 5) {
    const args = Protobuf.decode<token.balance_of_arguments>(a.args, token.balance_of_arguments.decode);
    const f = <f64>args.owner.length * 1.5;
    out = u64Result(f > 2.0 ? 1 : 0);
  } else if (a.entry_point == 6) {
    // pay(to, value): the contract moves its own KOIN through a call into the token
    const args = Protobuf.decode<token.transfer_arguments>(a.args, token.transfer_arguments.decode);
    const t = new token.transfer_arguments(System.getContractId(), args.to, args.value);
    const r = System.call(System.getContractAddress("koin"), 0x27f576ca, Protobuf.encode(t, token.transfer_arguments.encode));
    System.require(r.code == 0, "koin transfer failed: " + (r.res.error ? r.res.error!.message! : ""));
  } else if (a.entry_point == 7) {
    // guarded(owner): needs the owner's authority
    const args = Protobuf.decode<token.balance_of_arguments>(a.args, token.balance_of_arguments.decode);
    System.requireAuthority(authority.authorization_type.contract_call, args.owner);
    System.putBytes(space(0), args.owner, u64Result(7));
  } else if (a.entry_point == 8) {
    // first(): the first key of space 0 in key order, then the next one
    const first = System.getNextBytes(space(0), new Uint8Array(0));
    System.require(first != null, "empty space");
    out = u64Result(<u64>recurse(3));
  } else if (a.entry_point == 9) {
    const args = Protobuf.decode<token.balance_of_arguments>(a.args, token.balance_of_arguments.decode);
    out = u64Result(<u64>recurse(<u32>args.owner.length * 1000));
  } else if (a.entry_point == 0x4a2dbd90) {
    // authorize: allowed once the key equal to the contract's own id holds a non-zero value
    const v = System.getBytes(space(0), System.getContractId());
    const allowed = v != null && Protobuf.decode<token.balance_of_result>(v!, token.balance_of_result.decode).value != 0;
    out = Protobuf.encode(new system_calls.check_authority_result(allowed), system_calls.check_authority_result.encode);
  } else {
    System.revert("unknown entry point");
  }
  System.exit(0, out);
  return 0;
}

main();
