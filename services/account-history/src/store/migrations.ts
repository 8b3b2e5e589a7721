/** Where account history's drizzle-kit migrations live, and its Postgres schema. */
import { join } from "node:path";

/** The committed drizzle-kit migrations (services/account-history/drizzle). */
export const MIGRATIONS_FOLDER = join(import.meta.dir, "../../drizzle");
/** The Postgres schema holding account history's tables. */
export const SCHEMA_NAME = "account_history";
