/**
 * Which Postgres connection failures are worth waiting for. A server that is starting, down or
 * unreachable may come up (a database container started alongside): those are retried. A database
 * that does not exist, a wrong password or an unknown role will not fix themselves: those stop
 * the service at once, with what to do.
 */
import { CairnError, ErrorStatus } from "@cairn/core";
import { redactUrl } from "./url.ts";

/** Error code of a connection failure that waiting cannot fix. */
export const DB_PERMANENT = "db.connection_refused";

function parts(url: string): { host: string; port: string; user: string; database: string } {
  try {
    const u = new URL(url);
    return { host: u.hostname || "localhost", port: u.port || "5432", user: decodeURIComponent(u.username) || "postgres", database: decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) || "postgres" };
  } catch {
    return { host: "?", port: "5432", user: "?", database: "?" };
  }
}

/**
 * The error to stop with when `err` (from postgres.js) is permanent; undefined when it may pass
 * (connection refused, timeouts, "the database system is starting up", DNS not yet resolvable).
 */
export function permanentPostgresError(err: unknown, url: string): CairnError | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const { host, port, user, database } = parts(url);
  const where = redactUrl(url);
  const make = (what: string, fix: string) =>
    new CairnError(DB_PERMANENT, `${what} (${where}): ${fix}`, { status: ErrorStatus.FailedPrecondition, data: { url: where, sqlstate: code }, cause: err });
  switch (code) {
    case "3D000": // invalid_catalog_name
      return make(`database "${database}" does not exist on ${host}:${port}`, `create it (createdb -h ${host} -p ${port} -U ${user} ${database}) or point DATABASE_URL / --database-url at an existing one`);
    case "28P01": // invalid_password
      return make(`password authentication failed for user "${user}"`, "fix the password in DATABASE_URL / --database-url");
    case "28000": // invalid_authorization_specification: unknown role, no pg_hba.conf entry
      return make(`the server refused user "${user}": ${message}`, `create the role (createuser -h ${host} -p ${port} ${user}) or allow it in pg_hba.conf, or fix the user in DATABASE_URL`);
    case "42501": // insufficient_privilege (no CONNECT on the database)
      return make(`user "${user}" may not connect to database "${database}"`, `GRANT CONNECT ON DATABASE ${database} TO ${user}, or use another user`);
    default:
      return undefined;
  }
}
