/**
 * `streamReplicas` on a real JetStream cluster: three nats-server processes clustered on loopback,
 * started here in a temporary directory and stopped again. The stream is created with three
 * copies, survives the loss of a node, and a bus started without the option leaves the count
 * alone. Needs the nats-server binary: under CI=true it always runs (and fails without it).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@cairn/core";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import type { BusMessage, EventBus } from "./event-bus.ts";
import { createNatsEventBus } from "./nats/bus.ts";
import { throwawayNatsOptions } from "./testing/nats-fixture.ts";

const binary = Bun.which("nats-server") ?? (await Bun.file("/usr/sbin/nats-server").exists() ? "/usr/sbin/nats-server" : undefined);
const ci = process.env.CI === "true" || process.env.CI === "1";
const available = binary !== undefined || ci;
if (!available) console.warn("NATS cluster test: nats-server not found, skipped (runs under CI=true)");

const logger = silentLogger();
const enc = (s: string) => new TextEncoder().encode(s);
let dir: string;
let nodes: { url: string; proc: ReturnType<typeof Bun.spawn> }[] = [];
const buses: EventBus[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  if (!available) return;
  if (binary === undefined) throw new Error("nats-server not found (install Debian's nats-server)");
  dir = mkdtempSync(join(tmpdir(), "cairn-nats-cluster-"));
  const clients = [await freePort(), await freePort(), await freePort()];
  const routes = [await freePort(), await freePort(), await freePort()];
  nodes = clients.map((port, i) => {
    const others = routes.filter((_, j) => j !== i).map((p) => `nats://127.0.0.1:${p}`).join(",");
    const proc = Bun.spawn(
      [binary, "-a", "127.0.0.1", "-p", String(port), "-js", "-sd", join(dir, `n${i}`), "--name", `n${i}`, "--cluster_name", "cairn-test", "--cluster", `nats://127.0.0.1:${routes[i]}`, "--routes", others],
      { stdout: "ignore", stderr: "ignore" },
    );
    return { url: `nats://127.0.0.1:${port}`, proc };
  });
}, 60_000);

afterAll(async () => {
  for (const bus of buses) await bus.close().catch(() => undefined);
  for (const node of nodes) {
    node.proc.kill("SIGTERM");
    await node.proc.exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function streamInfo(url: string, stream: string) {
  const nc = await connect({ servers: url });
  try {
    return await (await jetstreamManager(nc)).streams.info(stream);
  } finally {
    await nc.close();
  }
}

describe.skipIf(!available)("NatsEventBus on a 3-node JetStream cluster", () => {
  const base = () => throwawayNatsOptions(nodes[0]!.url);

  test("streamReplicas 3: three copies; events survive the loss of a node; a bus without the option keeps the count", async () => {
    const options = { ...base(), url: nodes.map((n) => n.url), startupTimeoutMs: 30_000 };
    // The cluster elects its JetStream leader after start: the bus waits for it.
    const bus = createNatsEventBus({ ...options, streamReplicas: 3 }, { logger });
    buses.push(bus);
    await bus.start();
    const info = await streamInfo(nodes[0]!.url, options.stream!);
    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.replicas?.length).toBe(2);

    await bus.publish("koinos.block.accept", enc("before"));
    // Lose a server holding a copy (not the stream's leader: the test is about the copies, not
    // about how fast a new leader is elected on this busy machine).
    const victim = nodes.find((_, i) => `n${i}` !== info.cluster?.leader)!;
    victim.proc.kill("SIGKILL");
    await victim.proc.exited;
    // The client may have been connected to it: it reconnects to another server, then publishes.
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await bus.publish("koinos.block.accept", enc("after"));
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await Bun.sleep(500);
      }
    }

    const survivor = nodes.find((n) => n !== victim)!;
    const plain = createNatsEventBus({ ...options, url: survivor.url }, { logger });
    buses.push(plain);
    await plain.start();
    expect((await streamInfo(survivor.url, options.stream!)).config.num_replicas).toBe(3);
    const seen: string[] = [];
    const done = Promise.withResolvers<void>();
    const sub = await plain.subscribe("koinos.block.accept", async (m: BusMessage) => {
      seen.push(new TextDecoder().decode(m.data));
      if (seen.length === 2) done.resolve();
    }, { deliverFrom: "all" });
    await Promise.race([done.promise, Bun.sleep(20_000)]);
    await sub.unsubscribe();
    expect(seen).toEqual(["before", "after"]);
  }, 90_000);
});
