/**
 * @cairn/db — how a service reaches its own tables. A database URL goes in (`postgres://…` for a
 * server through postgres.js, `pglite://<dir>` or `pglite://memory` for embedded PGlite) and a
 * drizzle instance comes out, typed the same for both drivers, confined to the service's Postgres
 * schema, with its drizzle-kit migrations applied. Column helpers (`bytea`, `int64`, `uint64`) give
 * the same TypeScript values on both drivers. Test helpers live in `@cairn/db/testing`.
 */
export * from "./columns.ts";
export * from "./copy.ts";
export * from "./handle.ts";
export * from "./migrate.ts";
export * from "./open-database.ts";
export * from "./options.ts";
export { DB_PERMANENT, permanentPostgresError } from "./postgres-errors.ts";
export * from "./rows.ts";
export * from "./schema-name.ts";
export * from "./store-source.ts";
export * from "./url.ts";
