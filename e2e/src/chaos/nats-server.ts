/**
 * A NATS server of the chaos run's own: `nats-server -js` on a free port with a temporary store
 * directory, killable and restartable on the same port and store. The machine's shared server is
 * never touched.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A port nobody listens on now. */
export function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

/** A run of `count` consecutive free ports (checked one by one). */
export function freePortRange(count: number): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) {
      try {
        const s = Bun.listen({ hostname: "127.0.0.1", port: base + i, socket: { data() {} } });
        s.stop(true);
      } catch {
        ok = false;
      }
    }
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

export interface OwnNatsServer {
  url: string;
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its store. */
  dispose(): Promise<void>;
}

/** Starts the server and waits until it accepts connections. */
export async function startNatsServer(binary = process.env.NATS_SERVER_BIN ?? "nats-server"): Promise<OwnNatsServer> {
  const port = freePort();
  const dir = mkdtempSync(join(tmpdir(), "cairn-chaos-nats-"));
  let proc: ReturnType<typeof Bun.spawn> | undefined;
  const start = async () => {
    proc = Bun.spawn([binary, "-js", "-a", "127.0.0.1", "-p", String(port), "-sd", dir], { stdout: "ignore", stderr: "ignore" });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ok = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then(
        (s) => (s.end(), true),
        () => false,
      );
      if (ok) return;
      await Bun.sleep(100);
    }
    throw new Error(`nats-server did not listen on ${port}`);
  };
  const kill = async () => {
    proc?.kill("SIGKILL");
    await proc?.exited;
    proc = undefined;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    kill,
    start,
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
