#!/usr/bin/env bun
/**
 * cairn-account-history-rebuild: drops the account history read model and rebuilds it from the
 * block store, printing progress (one line rewritten with `\r` on a terminal, plain lines
 * otherwise). Stop the account history service first: the rebuild refuses while it answers gRPC
 * health (or, with a NATS URL, while its durable consumer is pulled from) unless `--force`.
 *
 *   bun services/account-history/src/rebuild.ts [--database-url …] [--block-store-address …] [--batch-size …]
 *                                               [--service-address host:port] [--force]
 *
 * Options are the service's own (same config file section, env and flags).
 */
import { fileURLToPath } from "node:url";
import { createLogger, formatProgress, isCairnError } from "@cairn/core";
import { ConfigError, formatHelp, loadConfig, wantsHelp } from "@cairn/config";
import { openDatabase } from "@cairn/db";
import { block_store } from "@cairn/proto";
import { createGrpcClient } from "@cairn/rpc";
import { blockStoreFromClient } from "@cairn/block-store/client";
import { assertNotLive, consumerSign, healthSign, serviceAddress } from "@cairn/runtime";
import { z } from "zod";
import { ACCOUNT_HISTORY_DURABLE } from "./events.ts";
import { accountHistoryOptionsSchema } from "./options.ts";
import { rebuildAccountHistory } from "./rebuild-history.ts";
import { DrizzleAccountHistoryStore } from "./store/drizzle-store.ts";
import { MIGRATIONS_FOLDER, SCHEMA_NAME } from "./store/migrations.ts";

const BINARY = "cairn-account-history-rebuild";

/** The service's options plus the rebuild's guard (see @cairn/runtime's live-guard). */
const rebuildOptionsSchema = accountHistoryOptionsSchema.extend({
  /** Run even when the service looks live. Default false. */
  force: z.boolean().default(false),
  /** Where the running service would answer gRPC health. Default `127.0.0.1:<grpcPort>`. */
  serviceAddress: z.string().min(1).optional(),
  /** Stream whose `account_history` durable consumer is checked when `natsUrl` is set. Default `KOINOS`. */
  stream: z.string().min(1).default("KOINOS"),
});

if (wantsHelp(process.argv.slice(2))) {
  const usage = `usage: ${BINARY} [flags]\nDrops the account history read model and rebuilds it from the block store (stop the service first).`;
  console.log(formatHelp({ usage, schema: rebuildOptionsSchema, service: "account-history", docFiles: [fileURLToPath(new URL("./options.ts", import.meta.url)), fileURLToPath(import.meta.url)] }));
  process.exit(0);
}

let options;
try {
  options = loadConfig({ service: "account-history", schema: rebuildOptionsSchema });
} catch (e) {
  if (e instanceof ConfigError || isCairnError(e)) {
    console.error(`${BINARY}: ${(e as Error).message}`);
    process.exit(2);
  }
  throw e;
}

// Logs go to stderr so stdout carries only the progress.
const logger = createLogger({ level: options.logLevel, name: BINARY, format: options.logFormat, destination: process.stderr });
const abort = new AbortController();
process.on("SIGINT", () => abort.abort(new Error("interrupted")));
process.on("SIGTERM", () => abort.abort(new Error("terminated")));

const tty = process.stdout.isTTY === true;
let width = 0;
const print = (line: string) => {
  if (tty) {
    process.stdout.write(`\r${line.padEnd(width)}`);
    width = line.length;
  } else {
    process.stdout.write(`${line}\n`);
  }
};

try {
  await assertNotLive(
    "account history",
    [
      healthSign("account history", options.serviceAddress ?? serviceAddress(options.grpcHost, options.grpcPort)),
      options.natsUrl === undefined ? Promise.resolve(undefined) : consumerSign("account history", options.natsUrl.split(","), options.stream, ACCOUNT_HISTORY_DURABLE),
    ],
    options.force,
  );
} catch (e) {
  console.error(`${BINARY}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

const db = await openDatabase(options.databaseUrl, { logger, schemaName: SCHEMA_NAME, migrationsFolder: MIGRATIONS_FOLDER, signal: abort.signal });
const client = createGrpcClient(block_store.BlockStoreServiceDefinition, options.blockStoreAddress, { deadlineMs: 60_000 }, { logger });
let code = 0;
try {
  await client.waitForReady(30_000, abort.signal);
  const result = await rebuildAccountHistory(new DrizzleAccountHistoryStore(db.db), blockStoreFromClient(client), {
    batchSize: options.batchSize,
    signal: abort.signal,
    onProgress: (p) => print(`rebuild: ${formatProgress(p)}`),
  });
  if (tty) process.stdout.write("\n");
  console.log(`rebuild: done, ${result.blocks} blocks, ${result.entries} entries, head ${result.head.height} in ${result.seconds.toFixed(1)}s`);
} catch (e) {
  if (tty && width > 0) process.stdout.write("\n");
  console.error(`${BINARY}: ${e instanceof Error ? e.message : String(e)}`);
  code = 1;
} finally {
  client.close();
  await db.close();
}
process.exit(code);
