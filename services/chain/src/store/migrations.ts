/** Where the chain's drizzle-kit migrations live, and its Postgres schema. */
import { join } from "node:path";

export const MIGRATIONS_FOLDER = join(import.meta.dir, "../../drizzle");
export const SCHEMA_NAME = "chain";
