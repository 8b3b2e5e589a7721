#!/usr/bin/env bun
/**
 * `cairn` — the all-in-one binary.
 *   cairn dev [--seed S] [--port 8080] [--data ./data] [--mode instant|interval|manual]
 *             [--interval-ms 3000] [--accounts 10] [--grpc-port-base 50051]   (cairn dev --help: every flag)
 * DATABASE_URL / NATS_URL make the dev node use real Postgres / NATS.
 *   cairn events tail | events republish | rebuild block-store | rebuild account-history  (see cli/README.md)
 */
import { constants } from "node:os";
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

/**
 * What a rebuild runs with: mimalloc (Bun's allocator) keeps the memory freed, instead of giving it
 * back to the system 10 ms after it is freed (its default). A rebuild allocates and frees its
 * message, answer and COPY buffers at a high rate, and spent about a third of its CPU time giving
 * pages back and faulting them in again (system time 2.0 of 5.7 s for the bench's 10,000 blocks;
 * 1.0 of 3.9 s with this, both rebuilds ~30% less CPU per block, peak RSS ~+10%). A rebuild is a
 * batch job that ends; a service is not, and keeps the default.
 */
const REBUILD_ENV = { MIMALLOC_PURGE_DELAY: "-1" };

/**
 * mimalloc reads its options when the process starts, so a rebuild runs itself again with
 * `REBUILD_ENV` set, unless the variable is set already (whatever its value: the caller's wins),
 * and exits as it does. The run is in this process group, so a terminal's Ctrl-C (SIGINT to the
 * foreground group) reaches it directly and is not passed on, which would make it a second signal
 * (exit at once); SIGTERM and SIGHUP, sent to this process (a supervisor, `kill`), are.
 */
async function runKeepingFreedMemory(): Promise<never> {
  const child = Bun.spawn([process.execPath, ...process.argv.slice(1)], { env: { ...process.env, ...REBUILD_ENV }, stdio: ["inherit", "inherit", "inherit"] });
  process.on("SIGINT", () => undefined);
  for (const signal of ["SIGTERM", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
  const code = await child.exited;
  process.exit(child.signalCode ? 128 + ((constants.signals as Record<string, number>)[child.signalCode] ?? 0) : code);
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
else if (maintenanceCommand !== undefined) {
  if (command === "rebuild" && process.env.MIMALLOC_PURGE_DELAY === undefined) await runKeepingFreedMemory();
  await maintenance(await maintenanceCommand(), rest.slice(1));
}
else if (command === undefined || command === "help" || command === "--help") console.log(USAGE);
else {
  console.error(`cairn: unknown command "${command}"\n\n${USAGE}`);
  process.exit(2);
}
