import { afterEach, beforeEach, describe, expect, spyOn, test } from "bun:test";
import { sql } from "drizzle-orm";
import { isCairnError, silentLogger } from "@cairn/core";
import { openDatabase } from "../open-database.ts";
import { executeRows } from "../rows.ts";
import { FIXTURE_MIGRATIONS } from "./database-contract.ts";
import { DEFAULT_TEST_DATABASE_URL, isCi, postgresTestUrl, postgresTestUrlFromEnv } from "./postgres-probe.ts";
import { openTestDatabase, randomSchemaName, testDatabaseUrls, withTestDatabase } from "./test-database.ts";

/** A URL nothing listens on (port 1 is reserved, connections are refused at once). */
const DEAD = "postgres://postgres@127.0.0.1:1/test";

describe("postgres test URL rule", () => {
  let warn: ReturnType<typeof spyOn<Console, "warn">>;
  beforeEach(() => {
    warn = spyOn(console, "warn").mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  test("DATABASE_URL wins when it is a postgres URL; otherwise the local default", () => {
    expect(postgresTestUrlFromEnv({ DATABASE_URL: "postgresql://x@y/z" })).toBe("postgresql://x@y/z");
    expect(postgresTestUrlFromEnv({ DATABASE_URL: "pglite://memory" })).toBe(DEFAULT_TEST_DATABASE_URL);
    expect(postgresTestUrlFromEnv({})).toBe(DEFAULT_TEST_DATABASE_URL);
  });

  test("CI=true returns the URL without probing, so a missing server fails the tests", async () => {
    expect(isCi({ CI: "true" })).toBe(true);
    expect(isCi({ CI: "false" })).toBe(false);
    expect(await postgresTestUrl({ CI: "true", DATABASE_URL: DEAD })).toBe(DEAD);
    expect(warn).not.toHaveBeenCalled();
  });

  test("outside CI an unreachable server is skipped with a printed notice", async () => {
    expect(await postgresTestUrl({ DATABASE_URL: DEAD })).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain("skipping Postgres tests");
    const targets = await testDatabaseUrls({ DATABASE_URL: DEAD });
    expect(targets.map((t) => t.url)).toEqual(["pglite://memory"]);
  });

  test("in CI the target list always includes postgres", async () => {
    const targets = await testDatabaseUrls({ CI: "true", DATABASE_URL: DEAD });
    expect(targets.map((t) => t.kind)).toEqual(["pglite", "postgres"]);
  });
});

describe("openDatabase waiting for postgres", () => {
  test("gives up after waitTimeoutMs with db.unavailable", async () => {
    const started = Date.now();
    let err: unknown;
    try {
      await openDatabase(DEAD, { logger: silentLogger(), waitTimeoutMs: 300 });
    } catch (e) {
      err = e;
    }
    expect(isCairnError(err) && err.code === "db.unavailable").toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("stops waiting when the signal aborts", async () => {
    const controller = new AbortController();
    const opening = openDatabase(DEAD, { logger: silentLogger(), signal: controller.signal });
    setTimeout(() => controller.abort(new Error("shutdown")), 100);
    await expect(opening).rejects.toThrow("shutdown");
  });
});

const targets = await testDatabaseUrls();

describe("per-test databases", () => {
  test("random schema names are valid and distinct", () => {
    const names = new Set(Array.from({ length: 50 }, () => randomSchemaName("t")));
    expect(names.size).toBe(50);
    for (const n of names) expect(n).toMatch(/^t_[a-z0-9_]+$/);
  });

  for (const target of targets) {
    test(`openTestDatabase gives a migrated schema of its own and dispose drops it (${target.name})`, async () => {
      const first = await openTestDatabase(target.url, { migrationsFolder: FIXTURE_MIGRATIONS });
      const [row] = await executeRows<{ schema: string }>(first.db, sql`select current_schema() as schema`);
      expect(row?.schema).toBe(first.schemaName);
      await first.dispose();
      await first.dispose(); // idempotent

      if (target.kind === "postgres") {
        const seen = await withTestDatabase(target.url, {}, (other) =>
          executeRows(other.db, sql`select 1 from information_schema.schemata where schema_name = ${first.schemaName}`),
        );
        expect(seen).toEqual([]);
      }
    }, 30_000);
  }
});
