/** Runs the database contract against PGlite (memory, data directory) and Postgres. */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDatabaseContract } from "./testing/database-contract.ts";
import { postgresTestUrl } from "./testing/postgres-probe.ts";

const root = mkdtempSync(join(tmpdir(), "cairn-db-contract-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

runDatabaseContract("pglite (memory)", () => "pglite://memory");
// One data directory for the whole suite (initdb costs ~2 s); every test uses its own schemas.
const dataDir = join(root, "pglite");
runDatabaseContract("pglite (data dir)", () => `pglite://${dataDir}`);

const postgresUrl = await postgresTestUrl();
if (postgresUrl !== undefined) runDatabaseContract("postgres", () => postgresUrl);
