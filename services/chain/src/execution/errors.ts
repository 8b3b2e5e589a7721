/**
 * Chain errors carry a Koinos `chain.error_code` (`chainCode`): ≥ 1 is a reversion (the
 * transaction stays in its block with `reverted`, mana is charged), < 0 is a failure (the
 * transaction or block is rejected, nothing applied). The gateway writes them as Koinos does:
 * `message` = the text, `data` = JSON text `{"code":…,"logs":[…]}`.
 */
import { CairnError, ErrorStatus } from "@cairn/core";
import { ChainErrorCode } from "@cairn/protocol";

export type ChainErrorName = keyof typeof ChainErrorCode;

/** A chain rejection or reversion with its Koinos code and the logs gathered so far. */
export class ChainError extends CairnError {
  readonly logs: string[];

  /**
   * `name` is a Koinos error name, or any numeric code (contracts may exit with their own codes,
   * e.g. `System.revert(msg, 42)`); unknown codes are named `code_<n>`, which this accepts back.
   */
  constructor(name: ChainErrorName | number | `code_${number}`, message: string, logs: string[] = [], extra: Record<string, unknown> = {}) {
    const chainCode = typeof name === "number" ? name : name.startsWith("code_") ? Number(name.slice(5)) : ChainErrorCode[name as ChainErrorName];
    const known = (Object.keys(ChainErrorCode) as ChainErrorName[]).find((k) => ChainErrorCode[k] === chainCode);
    super(`chain.${known ?? `code_${chainCode}`}`, message, {
      status: statusOf(chainCode),
      chainCode,
      data: { logs, ...extra },
    });
    this.logs = logs;
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
