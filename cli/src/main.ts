#!/usr/bin/env bun
/**
 * `cairn` — the all-in-one binary.
 *   cairn dev [--seed S] [--port 8080] [--data ./data | --memory] [--mode instant|interval|manual]
 *             [--interval-ms 3000] [--accounts 10] [--grpc-port-base 50051]
 * DATABASE_URL / NATS_URL make the dev node use real Postgres / NATS.
 */
import { createLogger, isCairnError } from "@cairn/core";
import { loadConfig } from "@cairn/config";
import { banner } from "./dev/banner.ts";
import { startDevNode } from "./dev/node.ts";
import { devOptionsSchema } from "./dev/options.ts";

const USAGE = `usage: cairn <command>

commands:
  dev     run a local dev chain in one process (every service, PGlite, in-process bus)
          flags: --seed --port --data --memory --mode --interval-ms --accounts --grpc-port-base --log-level
  help    this text`;

async function dev(argv: string[]): Promise<void> {
  let opts;
  try {
    opts = loadConfig({ service: "dev", schema: devOptionsSchema, argv });
  } catch (e) {
    console.error(`cairn dev: ${(e as Error).message}`);
    process.exit(2);
  }
  const logger = createLogger({ level: opts.logLevel, name: "cairn-dev" });
  const started = performance.now();
  const node = await startDevNode(opts, logger).catch((e) => {
    console.error(`cairn dev: could not start: ${isCairnError(e) ? e.message : (e as Error)?.stack ?? String(e)}`);
    process.exit(1);
  });
  console.log(banner(node, opts));
  console.log(`Ready in ${Math.round(performance.now() - started)} ms`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await node.stop();
    console.log("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

const [command, ...rest] = process.argv.slice(2);
if (command === "dev") await dev(rest);
else if (command === undefined || command === "help" || command === "--help") console.log(USAGE);
else {
  console.error(`cairn: unknown command "${command}"\n\n${USAGE}`);
  process.exit(2);
}
