/**
 * The maintenance commands end to end, as main.ts runs them (options from argv, output streams):
 * `rebuild account-history` from a block store over gRPC; and, on real NATS (a throwaway stream),
 * `events republish` → `events tail` → `rebuild block-store`, whose result equals the live
 * store's head chain. Bad options answer exit code 2.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { cleanupAfterAll } from "@cairn/test-utils";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prom, silentLogger, toHex } from "@cairn/core";
import { createMemoryEventBus, type EventBus } from "@cairn/bus";
import { deleteNatsStream, natsTestTarget, throwawayNatsOptions } from "@cairn/bus/testing";
import { type BlockStoreUnit, DrizzleBlockStore, MIGRATIONS_FOLDER, SCHEMA_NAME, createBlockStoreUnit } from "@cairn/block-store";
import { openDatabase } from "@cairn/db";
import { openTestDatabase } from "@cairn/db/testing";
import { eventsRepublish, eventsTail } from "../events/commands.ts";
import type { EventLine } from "../events/format.ts";
import type { Command } from "./command-kit.ts";
import { rebuildAccountHistoryCommand, rebuildBlockStoreCommand } from "./commands.ts";
import { dumpStore, liveScenario, serveBlockStore, type LiveScenario } from "./testing/chain-scenario.ts";

const nats = await natsTestTarget();
const cleanup = cleanupAfterAll({ ignoreErrors: true });

/** Runs `command` with `argv` and an empty environment; resolves with its exit code and output. */
async function run(command: Command, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await command({ argv, env: {}, signal: new AbortController().signal, stdout: { write: (s: string) => (stdout += s), isTTY: false }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

/** Health is asked where nothing listens (other nodes may run on this machine's default ports). */
const NOT_LIVE = ["--service-address", "127.0.0.1:1"];

let scenario: LiveScenario;
let server: BlockStoreUnit;
let address: string;
let dataDir: string;

beforeAll(async () => {
  const bus: EventBus = createMemoryEventBus();
  await bus.start();
  cleanup.push(() => bus.close());
  const db = await openTestDatabase("pglite://memory", { migrationsFolder: MIGRATIONS_FOLDER });
  cleanup.push(() => db.dispose());
  scenario = await liveScenario(bus, db);
  // The live store behind a real gRPC server, on a bus of its own (it consumes nothing here).
  ({ unit: server, address } = await serveBlockStore(db, cleanup));
  dataDir = mkdtempSync(join(tmpdir(), "cairn-cli-rebuild-"));
  cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
});

describe("cairn rebuild account-history", () => {
  test("rebuilds from the block store over gRPC, printing progress lines", async () => {
    const r = await run(rebuildAccountHistoryCommand, ["--database-url", `pglite://${dataDir}`, "--block-store-address", address, "--batch-size", "4", ...NOT_LIVE]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.at(-2)).toMatch(/^rebuild account-history: 11\/11 blocks \(100\.0%\) · [\d,]+ blocks\/s · 0s left$/);
    expect(lines.at(-1)).toMatch(/^rebuild account-history: done, 11 blocks, \d+ entries, head 11, in [\d.]+s$/);
  });
});

describe("bad options", () => {
  test("--source chain, unknown flags and missing heights answer exit code 2", async () => {
    const chain = await run(rebuildBlockStoreCommand, ["--source", "chain"]);
    expect(chain.code).toBe(2);
    expect(chain.stderr).toContain("--source chain is not available");
    expect((await run(eventsTail, ["--frm", "all"])).code).toBe(2);
    const missing = await run(eventsRepublish, []);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("fromHeight");
    expect((await run(eventsTail, ["--from", "yesterday"])).stderr).toContain("expected all, new or a stream sequence");
  });
});

describe.skipIf(!nats.available)("events republish → events tail → rebuild block-store (NATS)", () => {
  test("the head chain republished to an empty stream rebuilds the head chain", async () => {
    const o = throwawayNatsOptions(nats.url);
    cleanup.push(() => deleteNatsStream(nats.url, o.stream!));
    const busFlags = ["--nats-url", nats.url, "--stream", o.stream!, "--subject-prefix", o.subjectPrefix!];

    const republish = await run(eventsRepublish, [...busFlags, "--block-store-address", address, "--from-height", "1", "--batch-size", "5"]);
    expect(republish.stderr).toBe("");
    expect(republish.code).toBe(0);
    // 11 accepts + 8 transfer events (blocks 1–5, 6′, 10, 11; 7′–9′ are empty).
    expect(republish.stdout).toMatch(/republish: done, 11 blocks, 19 messages \(heights 1…11, stream sequences 1…19\)/);

    const tail = await run(eventsTail, [...busFlags, "--subject", "koinos.block.accept", "--from", "all", "--limit", "11"]);
    expect(tail.code).toBe(0);
    const lines = tail.stdout.trim().split("\n").map((l) => JSON.parse(l) as EventLine);
    expect(lines.map((l) => (l.payload as { block: { header: { height: string } } }).block.header.height)).toEqual(Array.from({ length: 11 }, (_, i) => String(i + 1)));
    expect(lines.every((l) => (l.payload as { head?: boolean; live?: boolean }).head === true && (l.payload as { live?: boolean }).live === undefined)).toBe(true);

    const rebuild = await run(rebuildBlockStoreCommand, [...busFlags, "--database-url", `pglite://${dataDir}`, ...NOT_LIVE]);
    expect(rebuild.stderr).toBe("");
    expect(rebuild.code).toBe(0);
    expect(rebuild.stdout).toContain("rebuild block-store: 11 koinos.block.accept messages in stream");
    expect(rebuild.stdout).toMatch(/rebuild block-store: done, 11 blocks stored \(0 duplicates, 0 invalid messages\), highest block 11/);

    const db = await openDatabase(`pglite://${dataDir}`, { logger: silentLogger(), schemaName: SCHEMA_NAME });
    cleanup.push(() => db.close());
    const rebuilt = await dumpStore(new DrizzleBlockStore(db.db), scenario);
    const live = await dumpStore(scenario.store, scenario);
    expect(rebuilt.headChain).toEqual(live.headChain);
    expect(rebuilt.highest).toEqual(live.highest);
    // Side-fork blocks were not republished (only the head chain is).
    expect(rebuilt.blocks.filter((b) => b === undefined)).toHaveLength(3);
    const shared = rebuilt.transactions.find((tx) => live.transactions.find((l) => toHex(l.transaction.id) === toHex(tx.transaction.id))!.containingBlocks.length === 2)!;
    expect(shared.containingBlocks).toHaveLength(1);
  });
});
