/**
 * A chain process killed (SIGKILL) in the middle of applying a block, then restarted, finds a
 * consistent state: the head is the last committed block and the state equals replaying blocks
 * 1..head from scratch; it then carries on. Runs on PGlite (data directory) and on Postgres.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { silentLogger, toHex } from "@cairn/core";
import { openDatabase } from "@cairn/db";
import { postgresTestUrl, randomSchemaName } from "@cairn/db/testing";
import { DrizzleChainStore } from "./store/drizzle-store.ts";
import { MIGRATIONS_FOLDER } from "./store/migrations.ts";
import { createTestChain, deterministicBlock } from "./testing/harness.ts";

const child = join(import.meta.dir, "testing/crash-child.ts");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function runChild(env: Record<string, string>): Promise<{ code: number | null; signal: string | null; applied: number }> {
  const proc = Bun.spawn(["bun", child], { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  const applied = out.split("\n").filter((l) => l.startsWith("applied ")).length;
  return { code: proc.exitCode, signal: proc.signalCode === null ? null : String(proc.signalCode), applied };
}

/** The state root and balances after applying blocks 1..height on a fresh in-memory chain. */
async function replayed(height: bigint) {
  const t = await createTestChain({ now: () => BigInt(Date.now()) });
  for (let h = 1n; h <= height; h++) await t.chain.submitBlock(deterministicBlock(t, h));
  return { root: toHex(t.chain.head.stateRoot), id: toHex(t.chain.head.id), balances: [0, 1, 2, 3].map((i) => t.balance(i)) };
}

const targets: { name: string; url: () => Promise<string | undefined> }[] = [
  {
    name: "pglite",
    url: async () => {
      const d = mkdtempSync(join(tmpdir(), "cairn-crash-"));
      dirs.push(d);
      return `pglite://${d}`;
    },
  },
  { name: "postgres", url: () => postgresTestUrl() },
];

for (const target of targets) {
  describe(`crash in the middle of a block (${target.name})`, () => {
    test("killed inside block 6's transaction: restart at 5, consistent, carries on", async () => {
      const url = await target.url();
      if (!url) {
        console.warn(`crash test: ${target.name} unavailable, skipped`);
        return;
      }
      const schema = randomSchemaName("crash");
      const first = await runChild({ DATABASE_URL: url, SCHEMA: schema, UP_TO: "10", CRASH_AT_HEIGHT: "6" });
      expect(first.signal).toBe("SIGKILL");
      expect(first.applied).toBe(5);

      const handle = await openDatabase(url, { logger: silentLogger(), schemaName: schema, migrationsFolder: MIGRATIONS_FOLDER });
      try {
        const t = await createTestChain({ store: new DrizzleChainStore(handle.db), now: () => BigInt(Date.now()) });
        expect(t.chain.head.height).toBe(5n);
        const expected = await replayed(5n);
        expect(toHex(t.chain.head.id)).toBe(expected.id);
        expect(toHex(t.chain.head.stateRoot)).toBe(expected.root);
        expect([0, 1, 2, 3].map((i) => t.balance(i))).toEqual(expected.balances);
        await t.chain.submitBlock(deterministicBlock(t, 6n));
        expect(toHex(t.chain.head.stateRoot)).toBe((await replayed(6n)).root);
      } finally {
        if (handle.kind === "postgres") await handle.db.execute(sql`drop schema if exists ${sql.identifier(schema)} cascade`);
        await handle.close();
      }
    });

    test("killed at a random moment while applying blocks: restart finds a consistent head", async () => {
      const url = await target.url();
      if (!url) return;
      const schema = randomSchemaName("crash");
      const proc = Bun.spawn(["bun", child], { env: { ...process.env, DATABASE_URL: url, SCHEMA: schema, UP_TO: "1000" }, stdout: "pipe", stderr: "inherit" });
      // Let it apply some blocks, then kill it without warning.
      const reader = proc.stdout.getReader();
      let seen = "";
      while (!seen.includes("applied 12")) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += new TextDecoder().decode(value);
      }
      await Bun.sleep(Math.floor(Math.random() * 40));
      proc.kill("SIGKILL");
      await proc.exited;

      const handle = await openDatabase(url, { logger: silentLogger(), schemaName: schema, migrationsFolder: MIGRATIONS_FOLDER });
      try {
        const t = await createTestChain({ store: new DrizzleChainStore(handle.db), now: () => BigInt(Date.now()) });
        const h = t.chain.head.height;
        expect(h).toBeGreaterThanOrEqual(12n);
        const expected = await replayed(h);
        expect(toHex(t.chain.head.stateRoot)).toBe(expected.root);
        expect([0, 1, 2, 3].map((i) => t.balance(i))).toEqual(expected.balances);
      } finally {
        if (handle.kind === "postgres") await handle.db.execute(sql`drop schema if exists ${sql.identifier(schema)} cascade`);
        await handle.close();
      }
    });
  });
}
