import { describe, expect, test } from "bun:test";
import { isCairnError } from "@cairn/core";
import { parseDatabaseUrl, redactUrl } from "./url.ts";
import { checkSchemaName, schemaNameForService } from "./schema-name.ts";

describe("parseDatabaseUrl", () => {
  test("postgres and postgresql select the postgres driver", () => {
    expect(parseDatabaseUrl("postgres://u@h:5432/db")).toEqual({ kind: "postgres", url: "postgres://u@h:5432/db" });
    expect(parseDatabaseUrl("postgresql://h/db").kind).toBe("postgres");
  });

  test("pglite://memory is in memory; anything else after pglite:// is a data directory", () => {
    expect(parseDatabaseUrl("pglite://memory")).toEqual({ kind: "pglite", dataDir: undefined });
    expect(parseDatabaseUrl("pglite://./data/chain")).toEqual({ kind: "pglite", dataDir: "./data/chain" });
    expect(parseDatabaseUrl("pglite:///var/lib/cairn")).toEqual({ kind: "pglite", dataDir: "/var/lib/cairn" });
    expect(parseDatabaseUrl("pglite://./memory")).toEqual({ kind: "pglite", dataDir: "./memory" });
  });

  test("other URLs are rejected with db.invalid_url, without leaking the password", () => {
    for (const url of ["mysql://root:secret@h/db", "pglite://", "", "memory"]) {
      let err: unknown;
      try {
        parseDatabaseUrl(url);
      } catch (e) {
        err = e;
      }
      expect(isCairnError(err) && err.code === "db.invalid_url").toBe(true);
      expect(JSON.stringify(isCairnError(err) ? err.data : {})).not.toContain("secret");
    }
  });

  test("redactUrl hides the password only", () => {
    expect(redactUrl("postgres://cairn:hunter2@db:5432/x")).toBe("postgres://cairn:***@db:5432/x");
    expect(redactUrl("postgres://cairn@db/x")).toBe("postgres://cairn@db/x");
    expect(redactUrl("pglite://memory")).toBe("pglite://memory");
  });
});

describe("schema names", () => {
  test("lower-case identifiers are accepted", () => {
    expect(checkSchemaName("chain")).toBe("chain");
    expect(checkSchemaName("_x9")).toBe("_x9");
  });

  test("anything needing quotes, too long, or pg_ is rejected", () => {
    for (const bad of ["Chain", "block-store", "1abc", "", "a b", 'x"; drop', "pg_catalog", "a".repeat(64)]) {
      expect(() => checkSchemaName(bad)).toThrow();
    }
  });

  test("a service folder name maps to its schema", () => {
    expect(schemaNameForService("block-store")).toBe("block_store");
    expect(schemaNameForService("chain")).toBe("chain");
  });
});
