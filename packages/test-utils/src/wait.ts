/** Polling for conditions that become true asynchronously (bus deliveries, background catch-up). */

/**
 * Resolves once `check` returns true (polled every 5 ms); rejects after `timeoutMs` with
 * `timed out after <ms> ms waiting for <what>`.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what: string | (() => string) = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : what()}`);
    await Bun.sleep(5);
  }
}
