/**
 * `chain.invoke_system_call`: the system calls a client may invoke on head state, by id or by
 * Koinos name. Arguments and results are the serialized `<name>_arguments` / `<name>_result`.
 */
import { bytesEqual } from "@cairn/core";
import { protocol } from "@cairn/proto";
import { SystemCallId, type SystemCallName } from "@cairn/protocol";
import type { Chain } from "./chain.ts";
import { topology } from "./fork-tree.ts";
import { SPACES } from "./contracts/spaces.ts";
import { ChainError } from "./execution/errors.ts";

type Handler = (chain: Chain, args: Uint8Array) => Uint8Array;

function decodeArgs<T>(fn: { decode(b: Uint8Array): T }, args: Uint8Array, name: string): T {
  try {
    return fn.decode(args);
  } catch {
    throw new ChainError("reversion", `could not decode ${name}_arguments`);
  }
}

const handlers: Partial<Record<SystemCallName, Handler>> = {
  get_head_info: (chain) => {
    const { head, lib } = chain.headInfo();
    return protocol.GetHeadInfoResult.encode({ value: { head_topology: topology(head), head_block_time: head.timestamp, last_irreversible_block: lib.height } }).finish();
  },
  get_chain_id: (chain) => protocol.GetChainIdResult.encode({ value: chain.rules.chainId }).finish(),
  get_account_nonce: (chain, args) => {
    const a = decodeArgs(protocol.GetAccountNonceArguments, args, "get_account_nonce");
    return protocol.GetAccountNonceResult.encode({ value: chain.accountNonce(a.account) }).finish();
  },
  get_contract_metadata: (chain, args) => {
    const a = decodeArgs(protocol.GetContractMetadataArguments, args, "get_contract_metadata");
    const raw = chain.state.get(SPACES.contractMetadata, a.contract_id);
    return protocol.GetContractMetadataResult.encode({ value: raw ? protocol.ContractMetadataObject.decode(raw) : undefined }).finish();
  },
  get_account_rc: (chain, args) => {
    const a = decodeArgs(protocol.GetAccountRcArguments, args, "get_account_rc");
    return protocol.GetAccountRcResult.encode({ value: chain.accountRc(a.account) }).finish();
  },
  get_resource_limits: (chain) => protocol.GetResourceLimitsResult.encode({ value: chain.resourceLimits() }).finish(),
  get_last_irreversible_block: (chain) => encodeLib(chain),
  get_contract_address: (chain, args) => {
    const a = decodeArgs(protocol.GetContractAddressArguments, args, "get_contract_address");
    const raw = chain.state.get(SPACES.contractName, new TextEncoder().encode(a.name));
    return protocol.GetContractAddressResult.encode({ value: raw ? { address: raw } : undefined }).finish();
  },
  get_contract_name: (chain, args) => {
    const a = decodeArgs(protocol.GetContractNameArguments, args, "get_contract_name");
    const found = chain.state.entries(SPACES.contractName).find((e) => bytesEqual(e.value, a.address));
    return protocol.GetContractNameResult.encode({ value: found ? new TextDecoder().decode(found.key) : "" }).finish();
  },
};

/** get_last_irreversible_block result: `{1: uint64 value}` (same shape as GetAccountRcResult). */
function encodeLib(chain: Chain): Uint8Array {
  return protocol.GetAccountRcResult.encode({ value: chain.headInfo().lib.height }).finish();
}

const byId = new Map<number, SystemCallName>(Object.entries(SystemCallId).map(([n, id]) => [id, n as SystemCallName]));

/** Resolves a system call by id or name, or throws unknown_system_call. */
export function resolveSystemCall(id: bigint | undefined, name: string | undefined): SystemCallName {
  if (name !== undefined && name !== "") {
    // Own keys only: `toString` or `constructor` are "in" every object.
    if (!Object.hasOwn(SystemCallId, name)) throw ChainError.of("unknown_system_call_name");
    return name as SystemCallName;
  }
  if (id === undefined) throw ChainError.of("missing_id_or_name", { f1: "id", f2: "name" });
  const n = byId.get(Number(id));
  if (!n) throw ChainError.of("unknown_thunk", { tid: Number(id) });
  return n;
}

export function invokeSystemCall(chain: Chain, id: bigint | undefined, name: string | undefined, args: Uint8Array): Uint8Array {
  const call = resolveSystemCall(id, name);
  const handler = Object.hasOwn(handlers, call) ? handlers[call] : undefined;
  if (!handler) throw new ChainError("unknown_system_call", `system call ${call} (${SystemCallId[call]}) cannot be invoked through invoke_system_call`);
  return handler(chain, args);
}
