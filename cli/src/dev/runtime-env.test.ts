/**
 * The dev node's runtime variables: `cairn dev` re-executes itself with them (same process id,
 * arguments and runtime flags) unless the environment already has them, and keeps values given.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PURGE_DELAY_VARIABLE, missingRuntimeEnv } from "./runtime-env.ts";

const dir = mkdtempSync(join(tmpdir(), "cairn-runtime-env-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment of the test process without the variables (a developer may have set them) and the dev node's database and bus. */
function envWithout(): Record<string, string> {
  const drop = new Set([PURGE_DELAY_VARIABLE, "DATABASE_URL", "NATS_URL"]);
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => !drop.has(e[0]) && e[1] !== undefined));
}

describe("missingRuntimeEnv", () => {
  test("asks for the allocator's purge delay, and keeps a value given", () => {
    expect(missingRuntimeEnv({})).toEqual({ [PURGE_DELAY_VARIABLE]: "0" });
    expect(missingRuntimeEnv({ [PURGE_DELAY_VARIABLE]: "10" })).toEqual({});
  });
});

describe("reexecWithRuntimeEnv", () => {
  // A script that reports its process id, arguments, runtime flags and the variable around the call.
  const script = join(dir, "report.ts");
  writeFileSync(
    script,
    `import { reexecWithRuntimeEnv } from ${JSON.stringify(resolve(import.meta.dir, "runtime-env.ts"))};
const report = (at: string) => console.log(JSON.stringify({ at, pid: process.pid, args: process.argv.slice(2), flags: process.execArgv, purge: process.env.${PURGE_DELAY_VARIABLE} ?? null }));
report("before");
await reexecWithRuntimeEnv();
report("after");
`,
  );
  const run = async (env: Record<string, string>) => {
    const proc = Bun.spawn(["bun", "--smol", script, "one", "two words"], { env, stdout: "pipe", stderr: "pipe" });
    const [code, out] = await Promise.all([proc.exited, new Response(proc.stdout).text()]);
    expect(code).toBe(0);
    return out.trim().split("\n").map((l) => JSON.parse(l) as { at: string; pid: number; args: string[]; flags: string[]; purge: string | null });
  };

  test("the same process goes on with the variable, its arguments and its runtime flags", async () => {
    const lines = await run(envWithout());
    // Once before the variables, once before and after with them: one process id throughout.
    expect(lines.map((l) => [l.at, l.purge])).toEqual([
      ["before", null],
      ["before", "0"],
      ["after", "0"],
    ]);
    expect(new Set(lines.map((l) => l.pid)).size).toBe(1);
    for (const l of lines) expect([l.args, l.flags]).toEqual([["one", "two words"], ["--smol"]]);
  });

  test("values in the environment are kept and nothing is re-executed", async () => {
    const lines = await run({ ...envWithout(), [PURGE_DELAY_VARIABLE]: "10" });
    expect(lines.map((l) => [l.at, l.purge])).toEqual([
      ["before", "10"],
      ["after", "10"],
    ]);
  });

  test("`cairn dev` runs with the variable in its own process", async () => {
    const main = resolve(import.meta.dir, "../main.ts");
    const proc = Bun.spawn(["bun", main, "dev", "--port", "0", "--grpc-port-base", "0", "--console", "off", "--log-level", "error"], { env: envWithout(), stdout: "pipe", stderr: "inherit" });
    try {
      // The banner comes once the node is up, after any re-exec.
      const reader = proc.stdout.getReader();
      let text = "";
      while (!text.includes("Ready in")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`cairn dev ended before it was ready: ${text}`);
        text += new TextDecoder().decode(value);
      }
      const environ = readFileSync(`/proc/${proc.pid}/environ`, "utf8").split("\0");
      expect(environ).toContain(`${PURGE_DELAY_VARIABLE}=0`);
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
    }
  });
});
