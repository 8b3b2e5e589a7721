/**
 * @cairn/db/testing — test helpers for packages whose stores live in a database: which URLs a
 * store contract suite runs against (PGlite always, Postgres when reachable or in CI), and a fresh
 * schema per test that is dropped afterwards, and a private streaming replica pair for read/write
 * splitting tests. Not for production code.
 */
export * from "./postgres-probe.ts";
export * from "./test-database.ts";
export * from "./streaming-replica.ts";
export * from "./throwaway-database.ts";
