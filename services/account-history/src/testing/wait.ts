/** Polls until a condition holds (bus deliveries are asynchronous). */

/** Resolves once `check` returns true; rejects after `timeoutMs` (default 10 s) naming `what`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await Bun.sleep(10);
  }
}
