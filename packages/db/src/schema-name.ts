/**
 * Postgres schema names. Each service keeps its tables in its own schema (`chain`,
 * `block_store`, …), selected through `search_path`; names are restricted to lower-case
 * identifiers so they never need quoting in `search_path` or DDL.
 */
import { CairnError, ErrorStatus } from "@cairn/core";

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema used when none is given. */
export const DEFAULT_SCHEMA = "public";

/** Returns `name` when it is a valid schema name, else throws `db.invalid_schema_name`. */
export function checkSchemaName(name: string): string {
  if (!SCHEMA_NAME.test(name) || name.startsWith("pg_")) {
    throw new CairnError("db.invalid_schema_name", "schema name must match [a-z_][a-z0-9_]* (max 63) and not start with pg_", {
      status: ErrorStatus.InvalidArgument,
      data: { schemaName: name },
    });
  }
  return name;
}

/** The conventional schema name for a service folder name: `block-store` → `block_store`. */
export function schemaNameForService(service: string): string {
  return checkSchemaName(service.replace(/-/g, "_"));
}
