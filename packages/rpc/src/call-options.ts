/** Carrying one call's limits into the calls it makes. */
import type { CallContext, CallOptions } from "./types.ts";

/**
 * Options for a downstream call made while handling `context`: the same abort signal and the
 * time left before the caller's deadline, so work for a caller that has given up stops along the
 * whole chain. Without a caller deadline the client's default applies.
 */
export function forwardCallOptions(context: CallContext): CallOptions {
  const options: CallOptions = { signal: context.signal };
  if (context.deadline !== undefined) options.deadlineMs = Math.max(0, context.deadline.getTime() - Date.now());
  return options;
}
