/** Where the mempool's tables and migrations live. */
import { fileURLToPath } from "node:url";

/** The Postgres schema holding the mempool's tables (architecture §5: one schema per service). */
export const SCHEMA_NAME = "mempool";

/** The committed drizzle-kit migrations (services/mempool/drizzle), as an absolute path. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));
