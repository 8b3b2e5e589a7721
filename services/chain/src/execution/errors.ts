/**
 * Chain errors carry a Koinos `chain.error_code` (`chainCode`): ≥ 1 is a reversion (the
 * transaction stays in its block with `reverted`, mana is charged), < 0 is a failure (the
 * transaction or block is rejected, nothing applied). The gateway writes them as Koinos does:
 * `message` = the text, `data` = JSON text of the captured keys plus `code` (keys sorted), with
 * `logs` only where a receipt or read context existed. The Koinos wording of each rejection is in
 * the table of `@cairn/protocol` (`REJECTIONS`); `ChainError.of` builds one from it.
 */
import { CairnError, ErrorStatus } from "@cairn/core";
import { ChainErrorCode, type RejectionName, rejection } from "@cairn/protocol";

export type ChainErrorName = keyof typeof ChainErrorCode;

/** A chain rejection or reversion with its Koinos code and the logs gathered so far. */
export class ChainError extends CairnError {
  readonly logs: string[];
  /** The Koinos rejection this is, when built from the table. */
  rejection: RejectionName | undefined;

  /**
   * `name` is a Koinos error name, or any numeric code (contracts may exit with their own codes,
   * e.g. `System.revert(msg, 42)`); unknown codes are named `code_<n>`, which this accepts back.
   * `logs` undefined: no receipt or read context existed, so `data` carries no `logs`.
   */
  constructor(name: ChainErrorName | number | `code_${number}`, message: string, logs?: string[], extra: Record<string, unknown> = {}) {
    const chainCode = typeof name === "number" ? name : name.startsWith("code_") ? Number(name.slice(5)) : ChainErrorCode[name as ChainErrorName];
    const known = (Object.keys(ChainErrorCode) as ChainErrorName[]).find((k) => ChainErrorCode[k] === chainCode);
    super(`chain.${known ?? `code_${chainCode}`}`, message, {
      status: statusOf(chainCode),
      chainCode,
      data: logs === undefined ? { ...extra } : { logs, ...extra },
    });
    this.logs = logs ?? [];
  }

  /** The Koinos rejection `name` (see `REJECTIONS`) with its captured values and logs. */
  static of(name: RejectionName, values: Record<string, unknown> = {}, logs?: readonly string[]): ChainError {
    const r = rejection(name, values, logs ?? []);
    const { logs: withLogs, ...captured } = r.data as { logs?: string[] };
    const code = (Object.entries(ChainErrorCode).find(([, v]) => v === r.chainCode)?.[0] ?? "failure") as ChainErrorName;
    const e = new ChainError(code, r.message, withLogs, captured);
    e.rejection = name;
    return e;
  }

  /** The same error with `logs` in its data (raised where a receipt or read context exists). */
  withLogs(logs: readonly string[]): ChainError {
    const { logs: _old, ...rest } = this.data as { logs?: string[] };
    const e = new ChainError(this.code.slice("chain.".length) as ChainErrorName, this.message, [...logs], rest);
    e.rejection = this.rejection;
    return e;
  }

  /** True for reversions (code ≥ 1): the transaction is kept with `reverted` set. */
  get isReversion(): boolean {
    return (this.chainCode ?? -1) >= 1;
  }
}

function statusOf(code: number): ErrorStatus {
  if (code === ChainErrorCode.internal_error || code === ChainErrorCode.unexpected_state || code === ChainErrorCode.rpc_failure) return ErrorStatus.Internal;
  if (code === ChainErrorCode.insufficient_rc || code === ChainErrorCode.pending_transaction_limit_exceeded) return ErrorStatus.ResourceExhausted;
  if (code === ChainErrorCode.authorization_failure || code === ChainErrorCode.insufficient_privileges) return ErrorStatus.PermissionDenied;
  if (code >= 1) return ErrorStatus.Aborted;
  return ErrorStatus.FailedPrecondition;
}

export function isChainError(e: unknown): e is ChainError {
  return e instanceof ChainError;
}

/** Throws a ChainError when `cond` is false. */
export function check(cond: unknown, name: ChainErrorName, message: string): asserts cond {
  if (!cond) throw new ChainError(name, message);
}
