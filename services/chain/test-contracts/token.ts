// A standard token contract written with @koinos/sdk-as, as an application developer would:
// name, symbol, decimals, total_supply, balance_of, transfer, mint (by the contract's own key).
import { System, Storage, Protobuf, token, authority } from "@koinos/sdk-as";

const SUPPLY_SPACE = 0;
const BALANCES_SPACE = 1;

class Token {
  contractId: Uint8Array = System.getContractId();
  supply: Storage.Obj<token.balance_object> = new Storage.Obj(this.contractId, SUPPLY_SPACE, token.balance_object.decode, token.balance_object.encode, () => new token.balance_object());
  balances: Storage.Map<Uint8Array, token.balance_object> = new Storage.Map(this.contractId, BALANCES_SPACE, token.balance_object.decode, token.balance_object.encode, () => new token.balance_object());

  name(): token.name_result {
    return new token.name_result("Test Token");
  }
  symbol(): token.symbol_result {
    return new token.symbol_result("TEST");
  }
  decimals(): token.decimals_result {
    return new token.decimals_result(8);
  }
  total_supply(): token.total_supply_result {
    return new token.total_supply_result(this.supply.get()!.value);
  }
  balance_of(args: token.balance_of_arguments): token.balance_of_result {
    return new token.balance_of_result(this.balances.get(args.owner)!.value);
  }
  transfer(args: token.transfer_arguments): token.transfer_result {
    System.require(args.to.length > 0, "transfer argument 'to' cannot be null");
    System.requireAuthority(authority.authorization_type.contract_call, args.from);
    const from = this.balances.get(args.from)!;
    System.require(from.value >= args.value, "account 'from' has insufficient balance", -1);
    const to = this.balances.get(args.to)!;
    from.value -= args.value;
    to.value += args.value;
    this.balances.put(args.from, from);
    this.balances.put(args.to, to);
    System.event("token.transfer_event", Protobuf.encode(new token.transfer_event(args.from, args.to, args.value), token.transfer_event.encode), [args.to, args.from]);
    return new token.transfer_result();
  }
  mint(args: token.mint_arguments): token.mint_result {
    System.requireAuthority(authority.authorization_type.contract_call, this.contractId);
    const supply = this.supply.get()!;
    const to = this.balances.get(args.to)!;
    supply.value += args.value;
    to.value += args.value;
    this.supply.put(supply);
    this.balances.put(args.to, to);
    System.event("token.mint_event", Protobuf.encode(new token.mint_event(args.to, args.value), token.mint_event.encode), [args.to]);
    return new token.mint_result();
  }
}

export function main(): i32 {
  const a = System.getArguments();
  const c = new Token();
  let out = new Uint8Array(0);
  switch (a.entry_point) {
    case 0x82a3537f: out = Protobuf.encode(c.name(), token.name_result.encode); break;
    case 0xb76a7ca1: out = Protobuf.encode(c.symbol(), token.symbol_result.encode); break;
    case 0xee80fd2f: out = Protobuf.encode(c.decimals(), token.decimals_result.encode); break;
    case 0xb0da3934: out = Protobuf.encode(c.total_supply(), token.total_supply_result.encode); break;
    case 0x5c721497: out = Protobuf.encode(c.balance_of(Protobuf.decode<token.balance_of_arguments>(a.args, token.balance_of_arguments.decode)), token.balance_of_result.encode); break;
    case 0x27f576ca: out = Protobuf.encode(c.transfer(Protobuf.decode<token.transfer_arguments>(a.args, token.transfer_arguments.decode)), token.transfer_result.encode); break;
    case 0xdc6f17bb: out = Protobuf.encode(c.mint(Protobuf.decode<token.mint_arguments>(a.args, token.mint_arguments.decode)), token.mint_result.encode); break;
    default: System.revert("unknown entry point");
  }
  System.exit(0, out);
  return 0;
}

main();
