/**
 * Raw SQL results without driver differences: postgres.js returns the rows array itself, PGlite an
 * object with `rows`. Prefer the query builder; use this for statements it cannot express.
 */
import type { SQL } from "drizzle-orm";
import type { CairnDb } from "./handle.ts";

/** Runs `query` (a drizzle `sql` template, or plain SQL text) and returns its rows (empty for statements that return none). */
export async function executeRows<T extends Record<string, unknown> = Record<string, unknown>>(db: CairnDb, query: SQL | string): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return [...(result as T[])];
  const rows = (result as { rows?: unknown }).rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}
