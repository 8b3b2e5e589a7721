/** The cleanup stack of a test file: register what to undo as you create it, undone in reverse after all tests. */
import { afterAll } from "bun:test";

/** A stack of undo steps. */
export interface Cleanup {
  /** Registers steps (run last-registered first). */
  push(...steps: (() => unknown)[]): void;
  /** Runs every registered step in reverse order, once; a failing step does not stop the others. Resolves with their errors. */
  run(): Promise<unknown[]>;
}

/** A cleanup stack, not tied to any hook. */
export function createCleanup(): Cleanup {
  const steps: (() => unknown)[] = [];
  return {
    push: (...more) => void steps.push(...more),
    async run() {
      const errors: unknown[] = [];
      for (const step of steps.splice(0).reverse()) {
        try {
          await step();
        } catch (err) {
          errors.push(err);
        }
      }
      return errors;
    },
  };
}

/**
 * A cleanup stack run by `afterAll` of the calling test file. Every step runs; a step that fails
 * then fails the hook, unless `ignoreErrors` (for best-effort teardown of shared servers).
 */
export function cleanupAfterAll(options: { ignoreErrors?: boolean } = {}): Cleanup {
  const cleanup = createCleanup();
  afterAll(async () => {
    const errors = await cleanup.run();
    if (errors.length > 0 && !options.ignoreErrors) throw errors[0];
  });
  return cleanup;
}
