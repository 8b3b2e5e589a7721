#!/usr/bin/env bun
/**
 * `cairn` — the all-in-one binary.
 *   cairn dev [--seed S] [--port 8080] [--data ./data] [--mode instant|interval|manual]
 *             [--interval-ms 3000] [--accounts 10] [--grpc-port-base 50051]   (cairn dev --help: every flag)
 * DATABASE_URL / NATS_URL make the dev node use real Postgres / NATS.
 *   cairn events tail | events republish | rebuild block-store | rebuild account-history  (see cli/README.md)
 */
import { createLogger, defaultLogFormat, isCairnError } from "@cairn/core";
import { loadConfig, wantsHelp } from "@cairn/config";
import { devHelp } from "./dev/help.ts";
import { devOptionsSchema } from "./dev/options.ts";
import { assertDevPortsFree } from "./dev/preflight.ts";
import type { Command } from "./rebuild/command-kit.ts";

const USAGE = `usage: cairn <command>

commands:
  dev     run a local dev chain in one process (every service, PGlite, in-process bus)
          flags: --seed --port --data --mode --interval-ms --accounts --grpc-port-base --log-format --console
  events tail               print bus events as Koinos JSON lines
          flags: --subject --from all|new|<seq> --limit --raw --nats-url --stream --subject-prefix
  events republish          publish blocks' koinos.block.accept and koinos.event.* again
          flags: --from-height --to-height --subjects block,events --block-store-address --nats-url
  rebuild block-store       empty the block/transaction store and replay it from the event stream
          flags: --database-url --nats-url --source events --force --stream --subject-prefix
  rebuild account-history   drop account history and rebuild it from the block store
          flags: --database-url --block-store-address --batch-size
  help    this text
\`cairn <command> --help\` lists every flag of a command with its default; cli/README.md explains them.`;

/**
 * Maintenance commands by their two words; each gets argv, env, a stop signal and the output
 * streams. Loaded on use: importing every service costs seconds on a busy machine, and a command
 * (or a refusal such as a port in use) should not wait for the others.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  "events tail": async () => (await import("./events/commands.ts")).eventsTail,
  "events republish": async () => (await import("./events/commands.ts")).eventsRepublish,
  "rebuild block-store": async () => (await import("./rebuild/commands.ts")).rebuildBlockStoreCommand,
  "rebuild account-history": async () => (await import("./rebuild/commands.ts")).rebuildAccountHistoryCommand,
};

/** Runs a maintenance command: the first SIGINT/SIGTERM asks it to stop cleanly, a second one exits at once. */
async function maintenance(command: Command, argv: string[]): Promise<never> {
  const abort = new AbortController();
  const onSignal = (signal: string) => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort(new Error(signal));
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  const code = await command({ argv, env: process.env, signal: abort.signal, stdout: process.stdout, stderr: process.stderr });
  process.exit(code);
}

async function dev(argv: string[]): Promise<void> {
  if (wantsHelp(argv)) {
    console.log(devHelp());
    return;
  }
  let opts;
  try {
    opts = loadConfig({ service: "dev", schema: devOptionsSchema, argv });
    if (opts.memory && opts.data !== undefined) throw new Error("--memory and --data exclude each other (the chain is in memory unless --data is given)");
  } catch (e) {
    console.error(`cairn dev: ${(e as Error).message}`);
    process.exit(2);
  }
  try {
    assertDevPortsFree(opts);
  } catch (e) {
    console.error(`cairn dev: could not start: ${(e as Error).message}`);
    process.exit(1);
  }
  const [{ startDevNode }, { banner }] = await Promise.all([import("./dev/node.ts"), import("./dev/banner.ts")]);
  const tty = process.stdout.isTTY === true;
  const logger = createLogger({ level: opts.logLevel, name: "cairn-dev", format: opts.logFormat ?? defaultLogFormat(process.stdout) });
  const started = performance.now();
  const printBlocks = opts.console === "on" || (opts.console === "auto" && tty);
  const node = await startDevNode(opts, logger, printBlocks ? { console: { write: (line) => console.log(line), color: tty } } : {}).catch((e) => {
    console.error(`cairn dev: could not start: ${isCairnError(e) ? e.message : ((e as Error)?.stack ?? String(e))}`);
    process.exit(1);
  });
  console.log(banner(node, opts, { color: tty }));
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
const maintenanceCommand = COMMANDS[`${command} ${rest[0]}`];
if (command === "dev") await dev(rest);
else if (maintenanceCommand !== undefined) await maintenance(await maintenanceCommand(), rest.slice(1));
else if (command === undefined || command === "help" || command === "--help") console.log(USAGE);
else {
  console.error(`cairn: unknown command "${command}"\n\n${USAGE}`);
  process.exit(2);
}
