/**
 * Which Postgres the tests use, and whether they run. Rule (architecture §8): with `CI=true` the
 * Postgres tests always run, so a missing server fails them; elsewhere an unreachable server
 * skips them with one printed notice.
 */
import postgres from "postgres";
import { redactUrl } from "../url.ts";

/** Used when `DATABASE_URL` is unset: the local development server (trust auth). */
export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

/** Environment the helpers read (`DATABASE_URL`, `CI`); defaults to `process.env`. */
export type TestEnv = Record<string, string | undefined>;

/** True when `CI` is `true` or `1`. */
export function isCi(env: TestEnv = process.env): boolean {
  return env.CI === "true" || env.CI === "1";
}

/** `DATABASE_URL` when it names a Postgres server, else the local default. */
export function postgresTestUrlFromEnv(env: TestEnv = process.env): string {
  const url = env.DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? url : DEFAULT_TEST_DATABASE_URL;
}

/** Resolves true when the server at `url` answers `select 1` within ~2 s. */
export async function canReachPostgres(url: string): Promise<boolean> {
  const client = postgres(url, { max: 1, connect_timeout: 2, idle_timeout: 1, onnotice: () => undefined });
  try {
    await client`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await client.end({ timeout: 0 }).catch(() => undefined);
  }
}

const probes = new Map<string, Promise<string | undefined>>();

/**
 * The Postgres URL tests should run against, or `undefined` when they should be skipped (server
 * unreachable and not CI; a `console.warn` says so, once per URL and process).
 */
export function postgresTestUrl(env: TestEnv = process.env): Promise<string | undefined> {
  const url = postgresTestUrlFromEnv(env);
  if (isCi(env)) return Promise.resolve(url);
  let probe = probes.get(url);
  if (!probe) {
    probe = canReachPostgres(url).then((ok) => {
      if (ok) return url;
      console.warn(`[@cairn/db] Postgres at ${redactUrl(url)} is unreachable: skipping Postgres tests (set DATABASE_URL, or CI=true to make this a failure).`);
      return undefined;
    });
    probes.set(url, probe);
  }
  return probe;
}
