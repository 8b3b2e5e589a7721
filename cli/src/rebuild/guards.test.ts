/**
 * The rebuilds' safety: each refuses to run while its service is live — it answers gRPC health,
 * or (NATS) its durable consumer is being pulled from — unless `--force`; and each works on a
 * `cairn dev` data directory (`<dir>/pglite`): account history is rebuilt from the block store's
 * schema there, the block store is refused with what to do when no stream was used.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prom, silentLogger } from "@cairn/core";
import { createMemoryEventBus, createNatsEventBus } from "@cairn/bus";
import { deleteNatsStream, natsTestTarget, throwawayNatsOptions } from "@cairn/bus/testing";
import { BLOCK_STORE_DURABLE, MIGRATIONS_FOLDER, SCHEMA_NAME, createBlockStoreUnit } from "@cairn/block-store";
import { DrizzleAccountHistoryStore, SCHEMA_NAME as HISTORY_SCHEMA } from "@cairn/account-history";
import { openDatabase } from "@cairn/db";
import type { Command } from "./command-kit.ts";
import { rebuildAccountHistoryCommand, rebuildBlockStoreCommand } from "./commands.ts";
import { liveScenario, serveBlockStore } from "./testing/chain-scenario.ts";

const nats = await natsTestTarget();
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

async function run(command: Command, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await command({ argv, env: {}, signal: new AbortController().signal, stdout: { write: (s: string) => (stdout += s), isTTY: false }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

const NOT_LIVE = ["--service-address", "127.0.0.1:1"];

/** A `cairn dev` data directory: one PGlite under `<dir>/pglite`, its block store schema holding an 11-block chain. */
let devDir: string;
/** A gRPC server answering health (a live service, as far as the guard can tell). */
let liveAddress: string;

beforeAll(async () => {
  devDir = mkdtempSync(join(tmpdir(), "cairn-cli-devdata-"));
  cleanup.push(async () => rmSync(devDir, { recursive: true, force: true }));
  mkdirSync(join(devDir, "pglite"));
  const db = await openDatabase(`pglite://${join(devDir, "pglite")}`, { logger: silentLogger(), schemaName: SCHEMA_NAME, migrationsFolder: MIGRATIONS_FOLDER });
  cleanup.push(() => db.close());
  const bus = createMemoryEventBus();
  await bus.start();
  cleanup.push(() => bus.close());
  await liveScenario(bus, db);

  liveAddress = (await serveBlockStore(db, cleanup, 10)).address;
});

describe("a live service is refused unless --force", () => {
  test("rebuild account-history: the service answers gRPC health", async () => {
    const r = await run(rebuildAccountHistoryCommand, ["--dev-data", devDir, "--service-address", liveAddress]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("refusing to run while the account history service is live");
    expect(r.stderr).toContain(`answers gRPC health at ${liveAddress} (SERVING)`);
    expect(r.stderr).toContain("--force");
    expect(r.stdout).toBe("");
  });

  test("rebuild block-store: the service answers gRPC health (checked before anything is touched)", async () => {
    const r = await run(rebuildBlockStoreCommand, ["--database-url", "pglite://memory", "--nats-url", "nats://127.0.0.1:1", "--service-address", liveAddress]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("refusing to run while the block store service is live");
    expect(r.stdout).toBe("");
  });

  test.skipIf(!nats.available)("rebuild block-store: its durable consumer is being pulled from; --force goes ahead", async () => {
    const o = throwawayNatsOptions(nats.url);
    cleanup.push(() => deleteNatsStream(nats.url, o.stream!));
    const bus = createNatsEventBus(o, { logger: silentLogger() });
    await bus.start();
    cleanup.push(() => bus.close());
    const sub = await bus.subscribe("koinos.block.accept", () => {}, { durable: BLOCK_STORE_DURABLE });
    const busFlags = ["--nats-url", nats.url, "--stream", o.stream!, "--subject-prefix", o.subjectPrefix!];
    // The pull loop keeps a request waiting on the server.
    let r = await run(rebuildBlockStoreCommand, [...busFlags, "--database-url", "pglite://memory", ...NOT_LIVE]);
    for (let i = 0; i < 50 && !r.stderr.includes("refusing"); i++) {
      await Bun.sleep(100);
      r = await run(rebuildBlockStoreCommand, [...busFlags, "--database-url", "pglite://memory", ...NOT_LIVE]);
    }
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`its durable consumer block_store on stream ${o.stream} is being pulled from`);
    // Forced: the guard lets it through (the empty stream then needs --force too, which it has).
    const forced = await run(rebuildBlockStoreCommand, [...busFlags, "--database-url", "pglite://memory", "--force", ...NOT_LIVE]);
    expect(forced.stderr).toBe("");
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("done, 0 blocks stored");
    await sub.close();
  });
});

describe("a cairn dev data directory", () => {
  test("rebuild account-history reads the blocks from the block store schema beside it", async () => {
    const r = await run(rebuildAccountHistoryCommand, ["--dev-data", devDir, "--batch-size", "4", ...NOT_LIVE]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n").at(-1)).toMatch(/^rebuild account-history: done, 11 blocks, \d+ entries, head 11, in [\d.]+s$/);
    const db = await openDatabase(`pglite://${join(devDir, "pglite")}`, { logger: silentLogger(), schemaName: HISTORY_SCHEMA });
    cleanup.push(() => db.close());
    const progress = await new DrizzleAccountHistoryStore(db.db).progress();
    expect(progress.head.height).toBe(11n);
  });

  test("rebuild block-store without a stream refuses and says what to do", async () => {
    const r = await run(rebuildBlockStoreCommand, ["--dev-data", devDir, ...NOT_LIVE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no event stream to replay");
    expect(r.stderr).toContain("pass the same --nats-url");
  });

  test("a data directory kept by a journal is refused: its start rebuilds everything", async () => {
    const journaled = join(devDir, "journaled");
    mkdirSync(join(journaled, "journal"), { recursive: true });
    const r = await run(rebuildAccountHistoryCommand, ["--dev-data", journaled, ...NOT_LIVE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("keeps its chain in a journal: every start of cairn dev rebuilds each service's data from it");
  });

  test("a directory that is not a dev data directory is refused", async () => {
    const r = await run(rebuildAccountHistoryCommand, ["--dev-data", join(devDir, "nope"), ...NOT_LIVE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is not a cairn dev data directory");
  });
});
