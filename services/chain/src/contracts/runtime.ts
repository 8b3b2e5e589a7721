/**
 * One contract-call interface for the whole chain. A call enters a frame, is metered, and is
 * dispatched to a native contract (TypeScript, e.g. KOIN) or — when WASM execution arrives — to
 * uploaded bytecode. Callers (operations, read_contract, system calls, other contracts) never
 * know which kind answered.
 */
import { toHex } from "@cairn/core";
import { protocol } from "@cairn/proto";
import { addressText } from "@cairn/protocol";
import type { ExecutionContext } from "../execution/context.ts";
import { ChainError } from "../execution/errors.ts";
import { TICKS } from "../execution/metering.ts";
import { SPACES } from "./spaces.ts";

/** What a native contract sees: its own storage, events, logs, authority, caller and block. */
export class ContractFrame {
  constructor(
    readonly ctx: ExecutionContext,
    readonly contractId: Uint8Array,
    readonly caller: Uint8Array,
    readonly callerPrivilege: protocol.Privilege,
    /** Whether this contract's objects live in system spaces (system contracts such as KOIN). */
    private readonly systemSpaces: boolean,
  ) {}

  space(id: number): protocol.ObjectSpace {
    return protocol.ObjectSpace.fromPartial({ system: this.systemSpaces, zone: this.contractId, id });
  }

  getObject(spaceId: number, key: Uint8Array): Uint8Array | undefined {
    this.ctx.meter.compute(TICKS.getObject);
    return this.ctx.state.get(this.space(spaceId), key);
  }

  putObject(spaceId: number, key: Uint8Array, value: Uint8Array): void {
    if (this.ctx.readOnly) throw new ChainError("read_only_context", "cannot write objects in a read-only context");
    this.ctx.meter.compute(TICKS.putObject + TICKS.putObjectPerByte * value.length);
    const space = this.space(spaceId);
    const old = this.ctx.state.get(space, key);
    this.ctx.meter.disk(old === undefined ? key.length + value.length : value.length - old.length);
    this.ctx.state.put(space, key, value);
  }

  removeObject(spaceId: number, key: Uint8Array): void {
    if (this.ctx.readOnly) throw new ChainError("read_only_context", "cannot remove objects in a read-only context");
    this.ctx.meter.compute(TICKS.removeObject);
    this.ctx.state.remove(this.space(spaceId), key);
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

  checkAccountAuthority(account: Uint8Array): boolean {
    return this.ctx.checkAccountAuthority(account);
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
  call(frame: ContractFrame, entryPoint: number, args: Uint8Array): Uint8Array;
}

export interface CallRequest {
  contractId: Uint8Array;
  entryPoint: number;
  args: Uint8Array;
  caller?: Uint8Array;
  callerPrivilege?: protocol.Privilege;
}

/** Dispatches contract calls; the registry of native contracts by address. */
export class ContractRuntime {
  private readonly natives = new Map<string, NativeContract>();

  register(address: Uint8Array, contract: NativeContract): void {
    this.natives.set(toHex(address), contract);
  }

  native(address: Uint8Array): NativeContract | undefined {
    return this.natives.get(toHex(address));
  }

  /** Calls a contract entry point and returns what it returned; throws ChainError on exit ≠ 0. */
  call(ctx: ExecutionContext, req: CallRequest): Uint8Array {
    ctx.meter.compute(TICKS.call);
    if (ctx.frames.length >= 64) throw new ChainError("reversion", "contract call depth exceeded");
    const caller = req.caller ?? new Uint8Array();
    const privilege = req.callerPrivilege ?? protocol.Privilege.user_mode;
    const native = this.native(req.contractId);
    if (!native) {
      const bytecode = ctx.state.get(SPACES.contractBytecode, req.contractId);
      if (bytecode === undefined) throw new ChainError("invalid_contract", `contract ${addressText(req.contractId)} does not exist`);
      throw new ChainError(
        "invalid_contract",
        `contract ${addressText(req.contractId)} has uploaded bytecode but no native implementation, and this node does not execute WASM contracts yet`,
      );
    }
    ctx.frames.push({ contractId: req.contractId, entryPoint: req.entryPoint, caller, callerPrivilege: privilege });
    try {
      return native.call(new ContractFrame(ctx, req.contractId, caller, privilege, native.systemSpaces), req.entryPoint, req.args);
    } finally {
      ctx.frames.pop();
    }
  }

  /** True when `address` is a known contract (native or uploaded). */
  exists(ctx: ExecutionContext, address: Uint8Array): boolean {
    return this.natives.has(toHex(address)) || ctx.state.get(SPACES.contractBytecode, address) !== undefined;
  }
}

