/**
 * Database URLs: the scheme picks the driver.
 *
 * - `postgres://…` / `postgresql://…` → a Postgres server through postgres.js.
 * - `pglite://memory` → the process's in-memory PGlite database, shared by every handle opened on
 *   it (each in its own schema) and dropped when the last one closes.
 * - `pglite://<dir>` → PGlite persisted in data directory `<dir>` (relative to the working
 *   directory, or absolute as in `pglite:///var/lib/cairn/chain`). A directory literally named
 *   `memory` is written `pglite://./memory`.
 */
import { CairnError, ErrorStatus } from "@cairn/core";

/** Which driver a URL selects. */
export type DatabaseKind = "postgres" | "pglite";

/** A parsed database URL. */
export type DatabaseTarget =
  | { kind: "postgres"; url: string }
  | { kind: "pglite"; /** `undefined` = in memory. */ dataDir: string | undefined };

const PGLITE_PREFIX = "pglite://";

/** Parses a database URL; throws `db.invalid_url` for anything else. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return { kind: "postgres", url };
  if (url.startsWith(PGLITE_PREFIX)) {
    const rest = url.slice(PGLITE_PREFIX.length);
    if (rest === "memory") return { kind: "pglite", dataDir: undefined };
    if (rest !== "") return { kind: "pglite", dataDir: rest };
  }
  throw new CairnError("db.invalid_url", "database URL must be postgres://…, postgresql://…, pglite://memory or pglite://<dir>", {
    status: ErrorStatus.InvalidArgument,
    data: { url: redactUrl(url) },
  });
}

/** The URL with any password replaced, safe to log. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
}
