import { describe, expect, test } from "bun:test";
import { repeatEvery } from "./async.ts";

describe("repeatEvery", () => {
  test("runs one at a time, goes on after a failure, and settles after the run in progress once aborted", async () => {
    const abort = new AbortController();
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const errors: unknown[] = [];
    const done = repeatEvery(
      5,
      async () => {
        runs++;
        running++;
        maxRunning = Math.max(maxRunning, running);
        await Bun.sleep(20); // longer than the interval: runs must not overlap
        running--;
        if (runs === 2) throw new Error("second run fails");
      },
      { signal: abort.signal, onError: (e) => errors.push(e) },
    );
    while (runs < 4) await Bun.sleep(5);
    abort.abort();
    await done;
    expect(running).toBe(0); // the run in progress finished before `done` resolved
    const after = runs;
    await Bun.sleep(50);
    expect(runs).toBe(after);
    expect(maxRunning).toBe(1);
    expect(errors.map(String)).toEqual(["Error: second run fails"]);
  });

  test("an interval of 0 runs nothing", async () => {
    let runs = 0;
    await repeatEvery(0, async () => void runs++, { signal: new AbortController().signal });
    await Bun.sleep(20);
    expect(runs).toBe(0);
  });
});
