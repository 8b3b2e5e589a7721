/**
 * Object reads and writes with their metering, shared by native contracts, WASM system calls and
 * the operations that store contracts: compute per call, disk for new bytes (key + value of a new
 * object, the growth of an overwritten one), and the read-only rule.
 */
import type { protocol } from "@cairn/proto";
import type { ExecutionContext } from "../execution/context.ts";
import { ChainError } from "../execution/errors.ts";
import { TICKS } from "../execution/metering.ts";

export function getObject(ctx: ExecutionContext, space: protocol.ObjectSpace, key: Uint8Array, ticks: number = TICKS.getObject): Uint8Array | undefined {
  ctx.meter.compute(ticks);
  return ctx.state.get(space, key);
}

export function putObject(ctx: ExecutionContext, space: protocol.ObjectSpace, key: Uint8Array, value: Uint8Array, ticks: number = TICKS.putObject + TICKS.putObjectPerByte * value.length): void {
  if (ctx.readOnly) throw new ChainError("read_only_context", "cannot write objects in a read-only context");
  ctx.meter.compute(ticks);
  const old = ctx.state.get(space, key);
  ctx.meter.disk(old === undefined ? key.length + value.length : value.length - old.length);
  ctx.state.put(space, key, value);
}

export function removeObject(ctx: ExecutionContext, space: protocol.ObjectSpace, key: Uint8Array, ticks: number = TICKS.removeObject): void {
  if (ctx.readOnly) throw new ChainError("read_only_context", "cannot remove objects in a read-only context");
  ctx.meter.compute(ticks);
  ctx.state.remove(space, key);
}
