/**
 * What one execution (a transaction, a read-only call or a system call) can see and do: the
 * state layer it writes to, the block it runs in, the signers of its transaction, metering,
 * events and logs, and the stack of contract frames. Native contracts act through a
 * `ContractFrame`; WASM contracts will reach the same methods through system calls, so both
 * kinds share one metering and authority path.
 */
import { bytesEqual } from "@cairn/core";
import { protocol } from "@cairn/proto";
import type { StateLayer } from "../state/state.ts";
import { ChainError } from "./errors.ts";
import { Meter, TICKS } from "./metering.ts";

/** The block an execution runs in (a real block, or the pending one for dry runs and reads). */
export interface BlockInfo {
  height: bigint;
  /** ms since epoch. */
  timestamp: bigint;
  /** Time mana regenerates to (the head block's time in Koinos; the block's own time here). */
  headBlockTime: bigint;
  signer: Uint8Array;
}

export interface ExecutionOptions {
  state: StateLayer;
  block: BlockInfo;
  meter: Meter;
  /** Addresses whose signatures the transaction carries (empty for reads). */
  signers: Uint8Array[];
  /** The transaction being applied, if any. */
  transaction?: protocol.Transaction;
  readOnly: boolean;
  /** The chain's system authority (genesis key address): may mint and set system calls. */
  systemAuthority: Uint8Array;
}

/** One contract call on the stack. */
export interface Frame {
  contractId: Uint8Array;
  entryPoint: number;
  /** The caller contract (empty when called by the transaction or the kernel). */
  caller: Uint8Array;
  callerPrivilege: protocol.Privilege;
}

export class ExecutionContext {
  readonly events: protocol.EventData[] = [];
  readonly logs: string[] = [];
  readonly frames: Frame[] = [];
  /** Event sequence counter; shared across a block when the context is reused per block. */
  eventSequence = 0;

  constructor(readonly opts: ExecutionOptions) {}

  get state(): StateLayer {
    return this.opts.state;
  }

  get meter(): Meter {
    return this.opts.meter;
  }

  get block(): BlockInfo {
    return this.opts.block;
  }

  get readOnly(): boolean {
    return this.opts.readOnly;
  }

  currentFrame(): Frame | undefined {
    return this.frames[this.frames.length - 1];
  }

  emitEvent(source: Uint8Array, name: string, data: Uint8Array, impacted: Uint8Array[]): void {
    if (this.readOnly) throw new ChainError("read_only_context", "cannot emit events in a read-only context");
    this.meter.compute(TICKS.event + TICKS.eventPerByte * data.length);
    this.events.push(protocol.EventData.fromPartial({ sequence: this.eventSequence++, source, name, data, impacted }));
  }

  log(message: string): void {
    this.meter.compute(TICKS.log);
    this.logs.push(message);
  }

  /** True when `account` signed the transaction. */
  signedBy(account: Uint8Array): boolean {
    return this.opts.signers.some((s) => bytesEqual(s, account));
  }

  /**
   * Koinos `check_authority` for an account: the calling contract acting for itself, or a
   * signature of the account on the transaction. (Contracts that override authority with an
   * `authorize` entry point arrive with WASM execution.)
   */
  checkAccountAuthority(account: Uint8Array): boolean {
    this.meter.compute(TICKS.checkAuthority);
    const frame = this.currentFrame();
    if (frame && frame.caller.length > 0 && bytesEqual(frame.caller, account)) return true;
    return this.signedBy(account);
  }

  /** True when the chain's system authority (genesis key) signed, or the call runs in kernel mode. */
  hasSystemAuthority(): boolean {
    const frame = this.currentFrame();
    if (frame && frame.callerPrivilege === protocol.Privilege.kernel_mode && frame.caller.length === 0 && !this.opts.transaction) return true;
    return this.signedBy(this.opts.systemAuthority);
  }
}
