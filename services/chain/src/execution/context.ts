/**
 * What one execution (a transaction, a read-only call or a system call) can see and do: the
 * state layer it writes to, the block it runs in, the signers of its transaction, metering,
 * events and logs, and the stack of contract frames.
 *
 * Ownership: `execution/` owns this context and never imports contract code. Whatever needs to
 * run a contract (operations, transactions, authority checks) reaches it through the `Contracts`
 * interface below, which `contracts/runtime.ts` implements for native and WASM contracts alike.
 */
import { bytesEqual } from "@cairn/core";
import { protocol } from "@cairn/proto";
import type { StateLayer, StateReader } from "../state/state.ts";
import { ChainError } from "./errors.ts";
import { Meter, TICKS } from "./metering.ts";

/** The head as `get_head_info` reports it. */
export interface HeadInfo {
  id: Uint8Array;
  height: bigint;
  previous: Uint8Array;
  /** ms since epoch. */
  time: bigint;
}

/** The block an execution runs in (a real block, or the pending one for dry runs and reads). */
export interface BlockInfo {
  height: bigint;
  /** ms since epoch. */
  timestamp: bigint;
  /** Time mana regenerates to (the head block's time in Koinos; the block's own time here). */
  headBlockTime: bigint;
  signer: Uint8Array;
  /**
   * What `get_head_info` reports: the block being applied during block application, the current
   * head for dry runs and reads. Absent: derived from height and timestamp.
   */
  head?: HeadInfo;
  /** The block being applied (`get_block`, `get_block_field`); absent for dry runs and reads. */
  block?: protocol.Block;
  /**
   * The state before this block (the parent's; the head for dry runs and reads), unchanged while
   * the block applies: Koinos reads the system call dispatch table from it.
   */
  parentState?: StateReader;
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
  /** The chain id (`get_chain_id`). */
  chainId?: Uint8Array;
}

/** One contract call on the stack. */
export interface Frame {
  contractId: Uint8Array;
  entryPoint: number;
  /** The arguments the contract was called with (`get_arguments`). */
  args: Uint8Array;
  /** The caller contract (empty when called by the transaction or the kernel). */
  caller: Uint8Array;
  callerPrivilege: protocol.Privilege;
  /** The contract's own privilege: kernel for system contracts, user otherwise. */
  privilege: protocol.Privilege;
}

/** A contract call request. */
export interface CallRequest {
  contractId: Uint8Array;
  entryPoint: number;
  args: Uint8Array;
  caller?: Uint8Array;
  callerPrivilege?: protocol.Privilege;
}

/** koinos.chain.authorization_type. */
export enum AuthorizationType {
  contract_call = 0,
  transaction_application = 1,
  contract_upload = 2,
}

/** How execution reaches contracts (implemented by the contract runtime). */
export interface Contracts {
  /** Calls a contract entry point and returns what it returned; throws ChainError on exit ≠ 0. */
  call(ctx: ExecutionContext, req: CallRequest): Uint8Array;
  /**
   * Koinos `check_authority`: the account's own `authorize` entry point when its metadata says it
   * authorizes this type, else a signature of the account on the transaction.
   */
  checkAuthority(ctx: ExecutionContext, type: AuthorizationType, account: Uint8Array, call?: { contractId: Uint8Array; entryPoint: number; caller: Uint8Array; data: Uint8Array }): boolean;
  /** Whether a native thunk with this id exists (a `set_system_call` target must). */
  thunkExists(id: number): boolean;
}

/** Maximum nested contract frames (the reference's 256 host frames hold about 125 contracts). */
export const MAX_FRAMES = 125;

export class ExecutionContext {
  readonly events: protocol.EventData[] = [];
  readonly logs: string[] = [];
  readonly frames: Frame[] = [];
  /** Event sequence counter; shared across a block when the context is reused per block. */
  eventSequence = 0;
  /** The operation being applied (`get_operation`). */
  operation: protocol.Operation | undefined;

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

  /** Records an event; `ticks` is what it costs (native contracts use the default). */
  emitEvent(source: Uint8Array, name: string, data: Uint8Array, impacted: Uint8Array[], ticks = TICKS.event + TICKS.eventPerByte * data.length): void {
    if (this.readOnly) throw new ChainError("read_only_context", "cannot emit events in a read-only context");
    this.meter.compute(ticks);
    this.events.push(protocol.EventData.fromPartial({ sequence: this.eventSequence++, source, name, data, impacted }));
  }

  log(message: string, ticks: number = TICKS.log): void {
    this.meter.compute(ticks);
    this.logs.push(message);
  }

  /** True when `account` signed the transaction. */
  signedBy(account: Uint8Array): boolean {
    return this.opts.signers.some((s) => bytesEqual(s, account));
  }

  /** True when the chain's system authority (genesis key) signed, or the call runs in kernel mode. */
  hasSystemAuthority(): boolean {
    const frame = this.currentFrame();
    if (frame && frame.callerPrivilege === protocol.Privilege.kernel_mode && frame.caller.length === 0 && !this.opts.transaction) return true;
    return this.signedBy(this.opts.systemAuthority);
  }
}
