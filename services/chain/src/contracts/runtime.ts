/**
 * The contract runtime: the one place contracts are called. A call enters a frame, is metered,
 * and is dispatched to a native contract (TypeScript, e.g. KOIN) or to uploaded WASM bytecode
 * (`wasm/`). Callers (operations, read_contract, system calls, other contracts) never know which
 * kind answered. It implements `Contracts`, the interface execution code reaches contracts by,
 * including Koinos's authority rule (a contract's own `authorize` entry point, else a signature).
 */
import { bytesEqual, toHex } from "@cairn/core";
import { protocol } from "@cairn/proto";
import { KoinEntryPoint, addressText } from "@cairn/protocol";
import { AuthorizationType, type CallRequest, type Contracts, type ExecutionContext, type Frame, MAX_FRAMES } from "../execution/context.ts";
import { ChainError } from "../execution/errors.ts";
import { readContractMetadata } from "../execution/operations.ts";
import { TICKS } from "../execution/metering.ts";
import { SPACES } from "../state/spaces.ts";
import { fixedSpace } from "../state/state.ts";
import { getObject, putObject, removeObject } from "./objects.ts";
import { REGISTRY } from "./wasm/costs.ts";
import { MemoryPool } from "./wasm/memory-pool.ts";
import { ModuleCache } from "./wasm/module-cache.ts";
import { field, pb, readFields } from "./wasm/pb.ts";
import { thunkExists } from "./wasm/system-calls.ts";
import { runWasm } from "./wasm/vm.ts";

export type { CallRequest } from "../execution/context.ts";

/** What a native contract sees: its own storage, events, logs, authority, caller and block. */
export class ContractFrame {
  constructor(
    readonly ctx: ExecutionContext,
    readonly runtime: ContractRuntime,
    readonly contractId: Uint8Array,
    readonly caller: Uint8Array,
    readonly callerPrivilege: protocol.Privilege,
    /** The contract's object space `id` (system spaces for system contracts such as KOIN). */
    readonly space: (id: number) => protocol.ObjectSpace,
  ) {}

  getObject(spaceId: number, key: Uint8Array): Uint8Array | undefined {
    return getObject(this.ctx, this.space(spaceId), key);
  }

  putObject(spaceId: number, key: Uint8Array, value: Uint8Array): void {
    putObject(this.ctx, this.space(spaceId), key, value);
  }

  removeObject(spaceId: number, key: Uint8Array): void {
    removeObject(this.ctx, this.space(spaceId), key);
  }

  entries(spaceId: number) {
    this.ctx.meter.compute(TICKS.getObject);
    return this.ctx.state.entries(this.space(spaceId));
  }

  event(name: string, data: Uint8Array, impacted: Uint8Array[]): void {
    this.ctx.emitEvent(this.contractId, name, data, impacted);
  }

  log(message: string): void {
    this.ctx.log(message);
  }

  /** Koinos `System.require`: reverts (code 1, or `name`) with `message` when `cond` is false. */
  require(cond: unknown, message: string, name: "reversion" | "failure" | "authorization_failure" = "reversion"): void {
    if (!cond) throw new ChainError(name, message);
  }

  /**
   * @koinos/sdk-as `System.checkAccountAuthority`: a calling contract acting for itself is
   * authorized; another calling contract only when the account's own `authorize` agrees; without
   * a calling contract, Koinos `check_authority` (the account's `authorize`, else its signature).
   */
  checkAccountAuthority(account: Uint8Array): boolean {
    this.ctx.meter.compute(TICKS.checkAuthority);
    if (this.caller.length > 0) {
      if (bytesEqual(this.caller, account)) return true;
      const meta = readContractMetadata(this.ctx, account);
      if (!meta?.authorizes_call_contract) return false;
    }
    const frame = this.ctx.currentFrame();
    return this.runtime.checkAuthority(this.ctx, AuthorizationType.contract_call, account, {
      contractId: this.contractId,
      entryPoint: frame?.entryPoint ?? 0,
      caller: this.caller,
      data: frame?.args ?? new Uint8Array(),
    });
  }

  hasSystemAuthority(): boolean {
    return this.ctx.hasSystemAuthority();
  }
}

/** A contract implemented in TypeScript inside the chain. */
export interface NativeContract {
  /** Short name (also its system name for get_contract_address), e.g. "koin". */
  readonly name: string;
  /** Whether its objects live in system spaces. */
  readonly systemSpaces: boolean;
  /** The ABI JSON contract_meta_store serves for it (koilib `Contract.fetchAbi`). */
  readonly abi?: string;
  call(frame: ContractFrame, entryPoint: number, args: Uint8Array): Uint8Array;
}


/** A native contract and its object spaces, each made once (see `fixedSpace`). */
interface RegisteredNative {
  contract: NativeContract;
  space(id: number): protocol.ObjectSpace;
}

const AUTHORIZES: Record<AuthorizationType, keyof protocol.ContractMetadataObject> = {
  [AuthorizationType.contract_call]: "authorizes_call_contract",
  [AuthorizationType.transaction_application]: "authorizes_transaction_application",
  [AuthorizationType.contract_upload]: "authorizes_upload_contract",
};

export interface ContractRuntimeOptions {
  /** Compiled WASM modules kept (by contract hash). Default 64. */
  moduleCacheSize: number;
}

/** Decoded metadata by stored value: state hands out the same bytes until the object is rewritten. */
const metadataCache = new WeakMap<Uint8Array, Readonly<protocol.ContractMetadataObject>>();

function decodeMetadata(raw: Uint8Array): Readonly<protocol.ContractMetadataObject> {
  let meta = metadataCache.get(raw);
  if (!meta) metadataCache.set(raw, (meta = protocol.ContractMetadataObject.decode(raw)));
  return meta;
}

/** Dispatches contract calls; the registry of native contracts by address. */
export class ContractRuntime implements Contracts {
  private readonly natives = new Map<string, RegisteredNative>();
  readonly modules: ModuleCache;
  private readonly memories = new MemoryPool();

  constructor(opts: Partial<ContractRuntimeOptions> = {}) {
    this.modules = new ModuleCache(opts.moduleCacheSize ?? 64);
  }

  register(address: Uint8Array, contract: NativeContract): void {
    const spaces = new Map<number, protocol.ObjectSpace>();
    const space = (id: number) => {
      let s = spaces.get(id);
      if (!s) spaces.set(id, (s = fixedSpace(protocol.ObjectSpace.fromPartial({ system: contract.systemSpaces, zone: address.slice(), id }))));
      return s;
    };
    this.natives.set(toHex(address), { contract, space });
  }

  native(address: Uint8Array): NativeContract | undefined {
    return this.natives.get(toHex(address))?.contract;
  }

  /** Calls a contract entry point and returns what it returned; throws ChainError on exit ≠ 0. */
  call(ctx: ExecutionContext, req: CallRequest): Uint8Array {
    if (ctx.frames.length >= MAX_FRAMES) throw new ChainError("reversion", "apply context stack overflow");
    const caller = req.caller ?? new Uint8Array();
    const callerPrivilege = req.callerPrivilege ?? protocol.Privilege.user_mode;
    if (req.entryPoint === KoinEntryPoint.authorize && callerPrivilege !== protocol.Privilege.kernel_mode) {
      throw new ChainError("insufficient_privileges", "only kernel code may call a contract's authorize entry point");
    }
    const registered = this.natives.get(toHex(req.contractId));
    if (registered) {
      const native = registered.contract;
      ctx.meter.compute(TICKS.call);
      const privilege = native.systemSpaces ? protocol.Privilege.kernel_mode : protocol.Privilege.user_mode;
      ctx.frames.push({ contractId: req.contractId, entryPoint: req.entryPoint, args: req.args, caller, callerPrivilege, privilege });
      try {
        return native.call(new ContractFrame(ctx, this, req.contractId, caller, callerPrivilege, registered.space), req.entryPoint, req.args);
      } finally {
        ctx.frames.pop();
      }
    }
    // Uploaded contract: metadata and bytecode are read (and charged) on every call, as Koinos does.
    ctx.meter.compute(REGISTRY.call!);
    const rawMeta = getObject(ctx, SPACES.contractMetadata, req.contractId, REGISTRY.get_object!);
    if (rawMeta === undefined) throw new ChainError("invalid_contract", `contract ${addressText(req.contractId)} does not exist`);
    const meta = decodeMetadata(rawMeta);
    if (meta.hash.length === 0) throw new ChainError("invalid_contract", `contract ${addressText(req.contractId)} has no bytecode hash`);
    const bytecode = getObject(ctx, SPACES.contractBytecode, req.contractId, REGISTRY.get_object!);
    if (bytecode === undefined) throw new ChainError("invalid_contract", `contract ${addressText(req.contractId)} does not exist`);
    ctx.meter.compute(rawMeta.length + bytecode.length);
    const compiled = this.modules.get(meta.hash, () => bytecode);
    if (!compiled.ok) throw new ChainError("reversion", compiled.reason);
    const frame: Frame = {
      contractId: req.contractId,
      entryPoint: req.entryPoint,
      args: req.args,
      caller,
      callerPrivilege,
      privilege: meta.system ? protocol.Privilege.kernel_mode : protocol.Privilege.user_mode,
    };
    ctx.frames.push(frame);
    try {
      return runWasm(ctx, this, frame, compiled, this.memories);
    } finally {
      ctx.frames.pop();
    }
  }

  checkAuthority(ctx: ExecutionContext, type: AuthorizationType, account: Uint8Array, call?: { contractId: Uint8Array; entryPoint: number; caller: Uint8Array; data: Uint8Array }): boolean {
    if (ctx.readOnly) throw new ChainError("read_only_context", "check_authority is not allowed in a read-only context");
    const meta = readContractMetadata(ctx, account);
    if (meta?.[AUTHORIZES[type]]) {
      // authority.authorize_arguments{1: type, 2: call_data{1 contract_id, 2 entry_point, 3 caller, 4 data}}
      const args = pb().uint(1, type);
      if (type === AuthorizationType.contract_call && call) {
        args.message(2, pb().bytes(1, call.contractId).uint(2, call.entryPoint).bytes(3, call.caller).bytes(4, call.data).finish());
      }
      const out = this.call(ctx, { contractId: account, entryPoint: KoinEntryPoint.authorize, args: args.finish(), callerPrivilege: protocol.Privilege.kernel_mode });
      // authority.authorize_result{1: bool value}
      return field.bool(readFields(out), 1);
    }
    if (!ctx.opts.transaction) throw new ChainError("internal_error", "check_authority needs a transaction");
    return ctx.signedBy(account);
  }

  thunkExists(id: number): boolean {
    return thunkExists(id);
  }

  /** True when `address` is a known contract (native or uploaded). */
  exists(ctx: ExecutionContext, address: Uint8Array): boolean {
    return this.natives.has(toHex(address)) || ctx.state.get(SPACES.contractBytecode, address) !== undefined;
  }

  /** The ABI of a native contract (uploaded contracts' ABIs are in state). */
  nativeAbi(address: Uint8Array): string | undefined {
    return this.native(address)?.abi;
  }
}
