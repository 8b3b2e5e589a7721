/**
 * A whole Postgres database of its own for one run of a tool that is not a unit test (a benchmark,
 * a multi-process cluster): created on the server of a given URL, dropped again at the end, so the
 * run never writes into the database the URL names (often the shared `test` database) nor into
 * anyone else's.
 */
import postgres from "postgres";
import { randomSchemaName } from "./test-database.ts";

/** A database created for one run. */
export interface ThrowawayDatabase {
  /** Its name (`<prefix>_<time>_<random>`). */
  readonly name: string;
  /** The given URL with its database replaced by this one. */
  readonly url: string;
  /** Drops it, closing whatever is still connected (`WITH (FORCE)`). Idempotent. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh database on the server `serverUrl` points at (`postgres://…`; the database in
 * the URL is only used to connect, never written to).
 */
export async function createThrowawayDatabase(serverUrl: string, prefix = "cairn_run"): Promise<ThrowawayDatabase> {
  const url = new URL(serverUrl);
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") throw new Error(`a throwaway database needs a postgres:// URL, got ${url.protocol}`);
  const name = randomSchemaName(prefix);
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    name,
    url: url.toString(),
    drop() {
      dropped ??= (async () => {
        const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
        try {
          await sql.unsafe(`drop database if exists "${name}" with (force)`);
        } finally {
          await sql.end();
        }
      })();
      return dropped;
    },
  };
}
