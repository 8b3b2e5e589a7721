/** Applying each kind of operation of a transaction. */
import { protocol } from "@cairn/proto";
import { addressText, sha256Multihash } from "@cairn/protocol";
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
    if (!ctx.hasSystemAuthority()) throw new ChainError("insufficient_privileges", "set_system_call requires the chain's system authority");
    const key = new Uint8Array(4);
    new DataView(key.buffer).setUint32(0, op.set_system_call.call_id);
    putSystem(ctx, SPACES.systemCallDispatch, key, protocol.SystemCallTarget.encode(op.set_system_call.target ?? protocol.SystemCallTarget.create()).finish());
    return;
  }
  if (op.set_system_contract) {
    const s = op.set_system_contract;
    if (!ctx.hasSystemAuthority()) throw new ChainError("insufficient_privileges", "set_system_contract requires the chain's system authority");
    const meta = readContractMetadata(ctx, s.contract_id);
    if (!meta) throw new ChainError("invalid_contract", `contract ${addressText(s.contract_id)} does not exist`);
    meta.system = s.system_contract;
    putSystem(ctx, SPACES.contractMetadata, s.contract_id, protocol.ContractMetadataObject.encode(meta).finish());
    return;
  }
  throw new ChainError("unknown_operation", "unknown operation");
}
