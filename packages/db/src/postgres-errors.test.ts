/**
 * Permanent Postgres connection failures stop at once with the fix; transient ones are waited
 * for. Against the shared server (`DATABASE_URL`, default postgres://postgres@127.0.0.1:5432/test):
 * a database that does not exist and a role that does not exist; a closed port is retried.
 */
import { describe, expect, test } from "bun:test";
import { silentLogger } from "@cairn/core";
import { openDatabase } from "./open-database.ts";
import { permanentPostgresError } from "./postgres-errors.ts";
import { postgresTestUrl } from "./testing/index.ts";

// Undefined (skipped with a notice) only when the server is unreachable outside CI.
const base = await postgresTestUrl();
const withPath = (path: string, user?: string) => {
  const u = new URL(base!);
  u.pathname = `/${path}`;
  if (user !== undefined) u.username = user;
  return u.toString();
};

describe("permanentPostgresError", () => {
  test("names the fix for a missing database, a wrong password, an unknown role; nothing for transient failures", () => {
    const url = "postgres://alice:secret@db.example:6543/cairn";
    expect(permanentPostgresError({ code: "3D000" }, url)?.message).toBe(
      'database "cairn" does not exist on db.example:6543 (postgres://alice:***@db.example:6543/cairn): create it (createdb -h db.example -p 6543 -U alice cairn) or point DATABASE_URL / --database-url at an existing one',
    );
    expect(permanentPostgresError({ code: "28P01" }, url)?.message).toContain('password authentication failed for user "alice"');
    expect(permanentPostgresError({ code: "28000", message: 'role "alice" does not exist' }, url)?.code).toBe("db.connection_refused");
    for (const transient of [{ code: "ECONNREFUSED" }, { code: "57P03" }, { code: "CONNECT_TIMEOUT" }, { code: "ENOTFOUND" }, new Error("boom")]) {
      expect(permanentPostgresError(transient, url)).toBeUndefined();
    }
  });
});

describe.skipIf(base === undefined)("openDatabase on Postgres", () => {
  test("a database that does not exist fails at once with the fix (no 60 s of retries)", async () => {
    const started = performance.now();
    const err = await openDatabase(withPath(`cairn_devx_missing_${process.pid}`), { logger: silentLogger(), waitTimeoutMs: 60_000 }).catch((e) => e);
    expect(err.code).toBe("db.connection_refused");
    expect(err.message).toContain(`database "cairn_devx_missing_${process.pid}" does not exist`);
    expect(err.message).toContain("createdb");
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test("a role that does not exist fails at once", async () => {
    const started = performance.now();
    const err = await openDatabase(withPath("test", `cairn_devx_nobody_${process.pid}`), { logger: silentLogger(), waitTimeoutMs: 60_000 }).catch((e) => e);
    expect(err.code).toBe("db.connection_refused");
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test("a server that does not answer is retried until the wait ends", async () => {
    const err = await openDatabase("postgres://postgres@127.0.0.1:1/test", { logger: silentLogger(), waitTimeoutMs: 600 }).catch((e) => e);
    expect(err.code).toBe("db.unavailable");
  });
});
