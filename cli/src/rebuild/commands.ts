/**
 * `cairn rebuild block-store` and `cairn rebuild account-history` as commands: options, database
 * (migrated, in the service's schema), the event stream or the block store, the rebuild with a
 * progress display, and shutdown. Each refuses to run while the service it rebuilds is live
 * (live-guard.ts) unless `--force`, and can work inside a `cairn dev` data directory (`--dev-data`).
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createNatsEventBus, type EventBus } from "@cairn/bus";
import { openDatabase, type DatabaseHandle } from "@cairn/db";
import {
  BLOCK_STORE_DURABLE,
  DrizzleBlockStore,
  MIGRATIONS_FOLDER as BLOCK_STORE_MIGRATIONS,
  SCHEMA_NAME as BLOCK_STORE_SCHEMA,
  createBlockStoreMetrics,
  createBlockStoreService,
  createBlockWriter,
} from "@cairn/block-store";
import {
  ACCOUNT_HISTORY_DURABLE,
  DrizzleAccountHistoryStore,
  MIGRATIONS_FOLDER as HISTORY_MIGRATIONS,
  SCHEMA_NAME as HISTORY_SCHEMA,
  rebuildAccountHistory,
} from "@cairn/account-history";
import { type BlockSource, blockStoreFromClient, rememberingBlockStoreDefinition } from "@cairn/block-store/client";
import { block_store } from "@cairn/proto";
import { createGrpcClient, createInProcessClient } from "@cairn/rpc";
import { rebuildBlockStore } from "./block-store.ts";
import { type Command, UsageError, commandLogger, loadCommandOptions, runCommand } from "./command-kit.ts";
import { assertNotLive, consumerSign, healthSign, serviceAddress } from "@cairn/runtime";
import { natsReplayBounds } from "./nats-bounds.ts";
import { rebuildAccountHistoryOptionsSchema, rebuildBlockStoreOptionsSchema } from "./options.ts";
import { progressPrinter } from "./progress-printer.ts";

/** Where the rebuild's own options are documented (for `--help`). */
const OPTIONS_FILE = fileURLToPath(new URL("./options.ts", import.meta.url));

/** A service package's options.ts, next to its index.ts (for `--help`). */
function serviceOptionsFile(pkg: string): string {
  return join(dirname(fileURLToPath(import.meta.resolve(pkg))), "options.ts");
}

/** `pglite://<dir>/pglite`: the one PGlite a `cairn dev` node on NATS keeps its services' schemas in. */
function devDatabaseUrl(command: string, dir: string): string {
  const path = resolve(join(dir, "pglite"));
  if (!existsSync(path) && existsSync(join(resolve(dir), "journal"))) {
    throw new UsageError(`${command}: ${resolve(dir)} keeps its chain in a journal: every start of cairn dev rebuilds each service's data from it, so there is nothing to rebuild here`);
  }
  if (!existsSync(path)) throw new UsageError(`${command}: ${resolve(dir)} is not a cairn dev data directory (no ${path})`);
  return `pglite://${path}`;
}

/** How long to wait for NATS or the block store. */
const CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_NATS_URL = "nats://127.0.0.1:4222";
/**
 * A rebuild's commits do not wait for the disk (`OpenDatabaseOptions.synchronousCommit`): a crash
 * can lose only its last few batches, whole, and a rebuild stopped by a crash is run again from the
 * start anyway (both commands empty the store first).
 */
const REBUILD_SYNCHRONOUS_COMMIT = false;

/** `cairn rebuild block-store`: empties the block and transaction store and replays the stream into it. */
export const rebuildBlockStoreCommand: Command = (io) =>
  runCommand("cairn rebuild block-store", io, async () => {
    const o = loadCommandOptions("cairn rebuild block-store", "block-store", rebuildBlockStoreOptionsSchema, io, {
      summary: "Empties the block and transaction store and replays them from the event stream (stop the block store first).",
      docFiles: [serviceOptionsFile("@cairn/block-store"), OPTIONS_FILE],
    });
    if (o.source === "chain") {
      throw new UsageError(
        "cairn rebuild block-store: --source chain is not available: the chain keeps block bodies only above the LIB and serves no block-reading RPC. Rebuild from the event stream (--source events), or keep the block store's data: it is what the chain's --reindex replays from.",
      );
    }
    const name = "cairn rebuild block-store";
    const logger = commandLogger("cairn-rebuild-block-store", o.logLevel, io);
    if (o.devData !== undefined && o.natsUrl === undefined) {
      throw new UsageError(
        `${name}: ${resolve(o.devData)} is a cairn dev data directory, and a dev node on its in-process bus leaves no event stream to replay. ` +
          `Its block store is the only copy of the blocks (the chain keeps bodies only above the last irreversible block), so there is nothing to rebuild it from: ` +
          `keep it, or start a new dev chain by removing the directory. If the node ran with --nats-url, pass the same --nats-url (and --stream/--subject-prefix) to replay its stream.`,
      );
    }
    const databaseUrl = o.devData !== undefined ? devDatabaseUrl(name, o.devData) : o.databaseUrl;
    const url = (o.natsUrl ?? DEFAULT_NATS_URL).split(",");
    await assertNotLive(
      "block store",
      [healthSign("block store", o.serviceAddress ?? serviceAddress(o.grpcHost, o.grpcPort)), consumerSign("block store", url, o.stream, BLOCK_STORE_DURABLE)],
      o.force,
    );
    const printer = progressPrinter(io.stdout, "rebuild block-store");
    let bus: EventBus | undefined;
    let db: DatabaseHandle | undefined;
    try {
      bus = createNatsEventBus({ url, stream: o.stream, subjectPrefix: o.subjectPrefix, name: "cairn-rebuild-block-store", startupTimeoutMs: CONNECT_TIMEOUT_MS }, { logger });
      await bus.start(io.signal);
      db = await openDatabase(databaseUrl, { logger, schemaName: BLOCK_STORE_SCHEMA, migrationsFolder: BLOCK_STORE_MIGRATIONS, signal: io.signal, synchronousCommit: REBUILD_SYNCHRONOUS_COMMIT });
      const bounds = await natsReplayBounds({ url, stream: o.stream, subjectPrefix: o.subjectPrefix });
      io.stdout.write(`rebuild block-store: ${bounds.count} koinos.block.accept messages in stream ${o.stream} (sequences ${bounds.firstSequence}…${bounds.lastSequence}, first block ${bounds.firstHeight ?? "?"})\n`);
      const r = await rebuildBlockStore(new DrizzleBlockStore(db.db, { topologyCacheSize: o.topologyCacheSize }), bus, bounds, {
        force: o.force,
        signal: io.signal,
        logger,
        onProgress: (p) => printer.report(p),
      });
      printer.end();
      const head = r.highest ? `highest block ${r.highest.height}` : "store empty";
      io.stdout.write(`rebuild block-store: done, ${r.stored} blocks stored (${r.duplicates} duplicates, ${r.invalid} invalid messages), ${head}, in ${r.seconds.toFixed(1)}s\n`);
      return 0;
    } finally {
      printer.end();
      await bus?.close();
      await db?.close();
    }
  });

/** `cairn rebuild account-history`: drops the account history read model and rebuilds it from the block store. */
export const rebuildAccountHistoryCommand: Command = (io) =>
  runCommand("cairn rebuild account-history", io, async () => {
    const o = loadCommandOptions("cairn rebuild account-history", "account-history", rebuildAccountHistoryOptionsSchema, io, {
      summary: "Drops the account history read model and rebuilds it from the block store (stop the service first).",
      docFiles: [serviceOptionsFile("@cairn/account-history"), OPTIONS_FILE],
    });
    const name = "cairn rebuild account-history";
    const logger = commandLogger("cairn-rebuild-account-history", o.logLevel, io);
    const dev = o.devData !== undefined ? devDatabaseUrl(name, o.devData) : undefined;
    await assertNotLive(
      "account history",
      [
        healthSign("account history", o.serviceAddress ?? serviceAddress(o.grpcHost, o.grpcPort)),
        o.natsUrl === undefined ? Promise.resolve(undefined) : consumerSign("account history", o.natsUrl.split(","), o.stream, ACCOUNT_HISTORY_DURABLE),
      ],
      o.force,
    );
    const printer = progressPrinter(io.stdout, "rebuild account-history");
    // On a dev data dir the blocks come from the block store's schema in the same PGlite; else from the block store service,
    // each block and receipt remembering the bytes it came in (account history cuts its records from them).
    const client = dev === undefined ? createGrpcClient(rememberingBlockStoreDefinition, o.blockStoreAddress, { deadlineMs: 60_000 }, { logger }) : undefined;
    let db: DatabaseHandle | undefined;
    let blocksDb: DatabaseHandle | undefined;
    try {
      let source: BlockSource;
      if (client !== undefined) {
        await client.waitForReady(CONNECT_TIMEOUT_MS, io.signal);
        source = blockStoreFromClient(client);
      } else {
        blocksDb = await openDatabase(dev!, { logger, schemaName: BLOCK_STORE_SCHEMA, migrationsFolder: BLOCK_STORE_MIGRATIONS, signal: io.signal });
        const store = new DrizzleBlockStore(blocksDb.db, { topologyCacheSize: 0 });
        const metrics = createBlockStoreMetrics();
        const service = createBlockStoreService({ store, metrics, writer: createBlockWriter({ store, metrics, logger }) });
        // In this process: direct calls, no protobuf round trip of every block (@cairn/rpc README).
        source = blockStoreFromClient(createInProcessClient(block_store.BlockStoreServiceDefinition, service, { direct: true }));
      }
      db = await openDatabase(dev ?? o.databaseUrl, { logger, schemaName: HISTORY_SCHEMA, migrationsFolder: HISTORY_MIGRATIONS, signal: io.signal, synchronousCommit: REBUILD_SYNCHRONOUS_COMMIT });
      const r = await rebuildAccountHistory(new DrizzleAccountHistoryStore(db.db), source, {
        batchSize: o.batchSize,
        transactionBlocks: o.transactionBlocks,
        signal: io.signal,
        onProgress: (p) => printer.report(p),
      });
      printer.end();
      io.stdout.write(`rebuild account-history: done, ${r.blocks} blocks, ${r.entries} entries, head ${r.head.height}, in ${r.seconds.toFixed(1)}s\n`);
      return 0;
    } finally {
      printer.end();
      client?.close();
      await db?.close();
      await blocksDb?.close();
    }
  });
