/** Applying each kind of operation of a transaction. */
import { protocol } from "@cairn/proto";
import { SystemCallId, addressText, sha256Multihash } from "@cairn/protocol";
import { SPACES } from "../state/spaces.ts";
import { AuthorizationType, type Contracts, type ExecutionContext } from "./context.ts";
import { ChainError } from "./errors.ts";
import { TICKS } from "./metering.ts";

function putSystem(ctx: ExecutionContext, space: protocol.ObjectSpace, key: Uint8Array, value: Uint8Array): void {
  const old = ctx.state.get(space, key);
  ctx.meter.compute(TICKS.putObject + TICKS.putObjectPerByte * value.length);
  ctx.meter.disk(old === undefined ? key.length + value.length : value.length - old.length);
  ctx.state.put(space, key, value);
}

export function readContractMetadata(ctx: { state: { get: ExecutionContext["state"]["get"] } }, contractId: Uint8Array): protocol.ContractMetadataObject | undefined {
  const raw = ctx.state.get(SPACES.contractMetadata, contractId);
  return raw ? protocol.ContractMetadataObject.decode(raw) : undefined;
}

export function applyOperation(ctx: ExecutionContext, runtime: Contracts, op: protocol.Operation): void {
  ctx.operation = op;
  try {
    applyOperationLocked(ctx, runtime, op);
  } finally {
    ctx.operation = undefined;
  }
}

function applyOperationLocked(ctx: ExecutionContext, runtime: Contracts, op: protocol.Operation): void {
  if (op.call_contract) {
    const c = op.call_contract;
    try {
      runtime.call(ctx, { contractId: c.contract_id, entryPoint: c.entry_point, args: c.args, callerPrivilege: protocol.Privilege.user_mode });
    } catch (e) {
      // Running out of block compute inside a contract reverts the transaction (code 1), as
      // Koinos's apply_call_contract_operation turns contract failures into reversions.
      if (e instanceof ChainError && e.code === "chain.compute_bandwidth_limit_exceeded") throw new ChainError("reversion", e.message, e.logs);
      throw e;
    }
    return;
  }
  if (op.upload_contract) {
    const u = op.upload_contract;
    if (u.contract_id.length === 0) throw new ChainError("missing_required_arguments", "missing expected field in upload_contract_operation: contract_id");
    const existing = readContractMetadata(ctx, u.contract_id);
    // The contract id's own key, or the deployed contract's `authorize` when it overrides uploads.
    ctx.meter.compute(TICKS.checkAuthority);
    if (!runtime.checkAuthority(ctx, AuthorizationType.contract_upload, u.contract_id)) {
      throw new ChainError("authorization_failure", `account ${addressText(u.contract_id)} has not authorized contract upload`);
    }
    putSystem(ctx, SPACES.contractBytecode, u.contract_id, u.bytecode);
    const meta = protocol.ContractMetadataObject.fromPartial({
      hash: sha256Multihash(u.bytecode),
      system: existing?.system ?? false,
      authorizes_call_contract: u.authorizes_call_contract,
      authorizes_transaction_application: u.authorizes_transaction_application,
      authorizes_upload_contract: u.authorizes_upload_contract,
    });
    putSystem(ctx, SPACES.contractMetadata, u.contract_id, protocol.ContractMetadataObject.encode(meta).finish());
    putSystem(ctx, SPACES.contractAbi, u.contract_id, new TextEncoder().encode(u.abi));
    return;
  }
  if (op.set_system_call) {
    // Koinos's apply_set_system_call_operation: system authority; a contract target must be an
    // existing system contract and `call` cannot be overridden; a thunk target must exist.
    const o = op.set_system_call;
    if (!ctx.hasSystemAuthority()) throw new ChainError("system_authorization_failure", "system authority required");
    const target = o.target ?? protocol.SystemCallTarget.create();
    const bundle = target.system_call_bundle;
    if (bundle) {
      if (ctx.state.get(SPACES.contractBytecode, bundle.contract_id) === undefined) throw new ChainError("invalid_contract", "contract does not exist");
      const meta = readContractMetadata(ctx, bundle.contract_id);
      if (!meta) throw new ChainError("invalid_contract", "contract metadata does not exist");
      if (!meta.system) throw new ChainError("invalid_contract", "contract is not a system contract");
      if (o.call_id === SystemCallId.call) throw new ChainError("reversion", "cannot override call_contract");
    } else if (!runtime.thunkExists(target.thunk_id ?? 0)) {
      throw new ChainError("unknown_thunk", `thunk ${target.thunk_id ?? 0} does not exist`);
    }
    const key = new Uint8Array(4);
    new DataView(key.buffer).setUint32(0, o.call_id);
    putSystem(ctx, SPACES.systemCallDispatch, key, protocol.SystemCallTarget.encode(target).finish());
    return;
  }
  if (op.set_system_contract) {
    const s = op.set_system_contract;
    if (!ctx.hasSystemAuthority()) throw new ChainError("system_authorization_failure", "system authority required");
    if (ctx.state.get(SPACES.contractBytecode, s.contract_id) === undefined) throw new ChainError("invalid_contract", "contract does not exist");
    const meta = readContractMetadata(ctx, s.contract_id);
    if (!meta) throw new ChainError("invalid_contract", "contract does not exist");
    if (meta.hash.length === 0) throw new ChainError("invalid_contract", "contract hash does not exist");
    meta.system = s.system_contract;
    putSystem(ctx, SPACES.contractMetadata, s.contract_id, protocol.ContractMetadataObject.encode(meta).finish());
    return;
  }
  throw new ChainError("unknown_operation", "unknown operation");
}
