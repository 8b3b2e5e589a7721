#!/usr/bin/env bun
/**
 * cairn-account-history-rebuild: drops the account history read model and rebuilds it from the
 * block store, printing progress (one line rewritten with `\r` on a terminal, plain lines
 * otherwise). Stop the account history service first.
 *
 *   bun services/account-history/src/rebuild.ts [--database-url …] [--block-store-address …] [--batch-size …]
 *
 * Options are the service's own (same config file section, env and flags).
 */
import { createLogger, formatProgress, isCairnError } from "@cairn/core";
import { ConfigError, loadConfig } from "@cairn/config";
import { openDatabase } from "@cairn/db";
import { block_store } from "@cairn/proto";
import { createGrpcClient } from "@cairn/rpc";
import { blockStoreFromClient } from "@cairn/block-store/client";
import { accountHistoryOptionsSchema } from "./options.ts";
import { rebuildAccountHistory } from "./rebuild-history.ts";
import { DrizzleAccountHistoryStore } from "./store/drizzle-store.ts";
import { MIGRATIONS_FOLDER, SCHEMA_NAME } from "./store/migrations.ts";

const BINARY = "cairn-account-history-rebuild";

let options;
try {
  options = loadConfig({ service: "account-history", schema: accountHistoryOptionsSchema });
} catch (e) {
  if (e instanceof ConfigError || isCairnError(e)) {
    console.error(`${BINARY}: ${(e as Error).message}`);
    process.exit(2);
  }
  throw e;
}

// Logs go to stderr so stdout carries only the progress.
const logger = createLogger({ level: options.logLevel, name: BINARY, pretty: options.logPretty, destination: process.stderr });
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
