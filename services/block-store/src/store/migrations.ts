/** Where the block store's database lives: its Postgres schema and its committed migrations. */
import { join } from "node:path";

/** Absolute path of the drizzle-kit migrations (services/block-store/drizzle). */
export const MIGRATIONS_FOLDER = join(import.meta.dir, "../../drizzle");

/** The Postgres schema holding the block store's tables (architecture §5: one schema per service). */
export const SCHEMA_NAME = "block_store";
