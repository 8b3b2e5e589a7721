/**
 * Which database a benchmark runs on. By default none on disk or on a server: the one-process
 * node's PGlite in memory. With `BENCH_DATABASE_URL=postgres://…` every service runs on Postgres —
 * in a database created for this run on that server and dropped at its end, so a benchmark never
 * writes into the database the URL names (the shared `test` one, say) or leaves anything behind.
 */
import { createThrowawayDatabase } from "@cairn/db/testing";

/** The database of one benchmark run. */
export interface BenchDatabase {
  /** For the report: `pglite (in process)` or `postgres (database <name>, dropped after the run)`. */
  readonly label: string;
  /** What to pass as the node's `databaseUrl` (undefined: PGlite in memory). */
  readonly url: string | undefined;
  /** Drops the run's database (nothing for PGlite). Call it in a `finally`. */
  drop(): Promise<void>;
}

/** Reads `BENCH_DATABASE_URL` from `env` and prepares the run's database. */
export async function benchDatabase(env: Record<string, string | undefined> = process.env): Promise<BenchDatabase> {
  const server = env.BENCH_DATABASE_URL;
  if (server === undefined || server === "") return { label: "pglite (in process)", url: undefined, drop: async () => {} };
  const db = await createThrowawayDatabase(server, "cairn_bench");
  return { label: `postgres (database ${db.name}, dropped after the run)`, url: db.url, drop: () => db.drop() };
}
