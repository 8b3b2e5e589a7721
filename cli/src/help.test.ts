/**
 * `--help` on every command: each lists every flag of its options schema with its default, and the
 * binaries answer it (exit 0, help on stdout) without starting anything.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { configLeaves, formatHelp, toKebab } from "@cairn/config";
import { chainOptionsSchema } from "@cairn/chain";
import { devHelp } from "./dev/help.ts";
import { devOptionsSchema } from "./dev/options.ts";
import { republishOptionsSchema, tailOptionsSchema } from "./events/options.ts";
import { rebuildAccountHistoryOptionsSchema, rebuildBlockStoreOptionsSchema } from "./rebuild/options.ts";

const root = join(import.meta.dir, "..", "..");
const flagsOf = (schema: Parameters<typeof configLeaves>[0]) => configLeaves(schema).map((l) => `--${l.path.map(toKebab).join(".")}`);

/** Every flag of `schema` on a row of `help`, with a `(default: …)` or a described default. */
function expectEveryFlag(help: string, schema: Parameters<typeof configLeaves>[0]): void {
  const rows = help.split("\n");
  for (const flag of flagsOf(schema)) {
    const i = rows.findIndex((r) => r.trimStart().startsWith(`${flag} `) || r.trim() === flag);
    expect(i, `${flag} listed`).toBeGreaterThanOrEqual(0);
    // The row (or the next, when the flag column overflowed) says the default.
    expect(`${rows[i]} ${rows[i + 1] ?? ""}`, `${flag} default`).toMatch(/\(default: [^)]*\)|default /);
  }
}

describe("--help", () => {
  test("cairn dev: every flag with its default and description", () => {
    const help = devHelp();
    expect(help).toStartWith("usage: cairn dev [flags]");
    expectEveryFlag(help, devOptionsSchema);
    expect(help).toContain("--port <n>");
    expect(help).toMatch(/--port <n> +JSON-RPC \/ REST \/ WebSocket port \(default: 8080\)/);
    expect(help).toMatch(/--mode instant\|interval\|manual +Block production: instant \(default\), interval or manual \(default: instant\)/);
    expect(help).toMatch(/--log-format json\|pretty +Log format, `pretty` .* default pretty on a terminal, json otherwise/);
  });

  test("every maintenance command and a service list every flag", () => {
    for (const [service, schema] of [
      ["events-tail", tailOptionsSchema],
      ["events-republish", republishOptionsSchema],
      ["block-store", rebuildBlockStoreOptionsSchema],
      ["account-history", rebuildAccountHistoryOptionsSchema],
      ["chain", chainOptionsSchema],
    ] as const) {
      expectEveryFlag(formatHelp({ usage: "usage: x", schema, service }), schema);
    }
  });

  test("the binaries answer --help on stdout with exit 0", async () => {
    for (const argv of [
      ["cli/src/main.ts", "dev", "--help"],
      ["cli/src/main.ts", "events", "tail", "--help"],
      ["cli/src/main.ts", "rebuild", "block-store", "--help"],
      ["services/chain/src/main.ts", "--help"],
      ["gateway/src/main.ts", "--help"],
    ]) {
      const proc = Bun.spawn(["bun", ...argv], { cwd: root, stdout: "pipe", stderr: "pipe" });
      const [code, out] = await Promise.all([proc.exited, new Response(proc.stdout).text()]);
      expect(code, argv.join(" ")).toBe(0);
      expect(out).toStartWith("usage: ");
      expect(out).toContain("(default: ");
    }
  }, 120_000);
});
