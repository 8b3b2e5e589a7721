/**
 * A private Postgres primary and a streaming replica of it, started by the test that needs them:
 * `initdb` for the primary, `pg_basebackup -R` for the replica (a hot standby that follows the
 * primary's WAL), both listening on 127.0.0.1 on free ports, in a temporary directory that `stop`
 * removes. Postgres refuses to run as root, so as root every server command runs as the `postgres`
 * user (`runuser`). Nothing is shared with the machine's own server.
 *
 * Availability follows the database tests' rule: with `CI=true` the binaries must be there (a
 * missing one fails); elsewhere `streamingReplicaAvailable()` says whether to skip.
 */
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { isCi, type TestEnv } from "./postgres-probe.ts";

/** A running primary + replica pair. */
export interface StreamingReplica {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` of the primary (read-write). */
  primaryUrl: string;
  /** The same database on the hot standby (read-only, follows the primary). */
  replicaUrl: string;
  /** The temporary directory holding both data directories and their logs. */
  dir: string;
  /** Stops applying WAL on the replica (`pg_wal_replay_pause`): it keeps what it has and lags. */
  pauseReplay(): Promise<void>;
  /** Resumes applying WAL (`pg_wal_replay_resume`). */
  resumeReplay(): Promise<void>;
  /** Resolves once the replica has replayed everything the primary has written so far. */
  waitForReplay(timeoutMs?: number): Promise<void>;
  /** Stops both servers and removes the directory. Idempotent. */
  stop(): Promise<void>;
}

/** Where the server binaries are: `pg_config --bindir`, else the newest /usr/lib/postgresql/<v>/bin. */
export function postgresBinDir(): string | undefined {
  const fromConfig = Bun.spawnSync(["pg_config", "--bindir"], { stderr: "ignore" });
  const candidates: string[] = [];
  if (fromConfig.exitCode === 0) candidates.push(fromConfig.stdout.toString().trim());
  if (existsSync("/usr/lib/postgresql")) {
    const versions = readdirSync("/usr/lib/postgresql").filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  return candidates.find((dir) => ["initdb", "pg_ctl", "pg_basebackup"].every((bin) => existsSync(join(dir, bin))));
}

/**
 * Whether a test should start a replica: true when the binaries exist; under `CI=true` always
 * true (the start then fails loudly if they do not); otherwise false with one printed notice.
 */
export function streamingReplicaAvailable(env: TestEnv = process.env): boolean {
  if (isCi(env) || postgresBinDir() !== undefined) return true;
  console.warn("streaming replica tests: initdb/pg_basebackup/pg_ctl not found, skipped (they run under CI=true)");
  return false;
}

/** A free TCP port on 127.0.0.1 (the OS picks one; it is released before the server binds it). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The `postgres` user's uid/gid when running as root (servers must not run as root). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(Bun.spawnSync(["id", flag, "postgres"]).stdout.toString().trim());
  const uid = id("-u");
  const gid = id("-g");
  if (!Number.isInteger(uid) || uid <= 0) throw new Error("running as root and there is no `postgres` user to run the test servers as");
  return { uid, gid };
}

/** Starts a primary and a streaming replica; `stop()` them when done. */
export async function startStreamingReplica(): Promise<StreamingReplica> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error("Postgres server binaries (initdb, pg_ctl, pg_basebackup) not found: install the postgresql package");
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), "cairn-replica-"));
  chmodSync(dir, 0o700);
  if (user) chownSync(dir, user.uid, user.gid);
  const primaryDir = join(dir, "primary");
  const replicaDir = join(dir, "replica");
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];

  /** Runs a server binary (as `postgres` when root); throws with its output when it fails. */
  const run = async (cmd: string, ...args: string[]) => {
    const argv = [join(bin, cmd), ...args];
    const proc = Bun.spawn(user ? ["runuser", "-u", "postgres", "--", ...argv] : argv, { cwd: dir, stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = [await new Response(proc.stdout).text(), await new Response(proc.stderr).text(), await proc.exited];
    if (code !== 0) throw new Error(`${cmd} failed (${code}): ${err || out}`);
  };
  const serverOptions = (port: number) =>
    // Loopback only, the socket in our directory, no fsync (a throw-away cluster): fast and private.
    `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c full_page_writes=off`;

  const started: string[] = [];
  const stopServers = async () => {
    for (const data of started.reverse()) await run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop").catch(() => undefined);
    started.length = 0;
  };
  try {
    // trust auth on loopback; initdb's pg_hba.conf also admits replication connections from there.
    await run("initdb", "-D", primaryDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
    await run("pg_ctl", "-D", primaryDir, "-l", join(dir, "primary.log"), "-w", "-t", "60", "-o", serverOptions(primaryPort), "start");
    started.push(primaryDir);
    // -R writes standby.signal and primary_conninfo: the copy starts as a hot standby of the primary.
    await run("pg_basebackup", "-h", "127.0.0.1", "-p", String(primaryPort), "-U", "postgres", "-D", replicaDir, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync");
    await run("pg_ctl", "-D", replicaDir, "-l", join(dir, "replica.log"), "-w", "-t", "60", "-o", `${serverOptions(replicaPort)} -c hot_standby=on`, "start");
    started.push(replicaDir);
  } catch (err) {
    await stopServers();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
  const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/postgres`;
  const admin = (url: string) => postgres(url, { max: 1, onnotice: () => undefined });
  const primary = admin(primaryUrl);
  const replica = admin(replicaUrl);
  let stopped = false;
  return {
    primaryUrl,
    replicaUrl,
    dir,
    async pauseReplay() {
      await replica`select pg_wal_replay_pause()`;
    },
    async resumeReplay() {
      await replica`select pg_wal_replay_resume()`;
    },
    async waitForReplay(timeoutMs = 30_000) {
      const [{ lsn }] = (await primary`select pg_current_wal_insert_lsn()::text as lsn`) as unknown as [{ lsn: string }];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [{ caught }] = (await replica`select coalesce(pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn, false) as caught`) as unknown as [{ caught: boolean }];
        if (caught) return;
        if (Date.now() > deadline) throw new Error(`replica did not replay up to ${lsn} within ${timeoutMs} ms`);
        await Bun.sleep(50);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all([primary.end({ timeout: 1 }), replica.end({ timeout: 1 })]).catch(() => undefined);
      await stopServers();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
