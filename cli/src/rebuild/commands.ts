/**
 * `cairn rebuild block-store` and `cairn rebuild account-history` as commands: options, database
 * (migrated, in the service's schema), the event stream or the block store, the rebuild with a
 * progress display, and shutdown. Stop the service being rebuilt first.
 */
import { createNatsEventBus, type EventBus } from "@cairn/bus";
import { openDatabase, type DatabaseHandle } from "@cairn/db";
import { DrizzleBlockStore, MIGRATIONS_FOLDER as BLOCK_STORE_MIGRATIONS, SCHEMA_NAME as BLOCK_STORE_SCHEMA } from "@cairn/block-store";
import {
  DrizzleAccountHistoryStore,
  MIGRATIONS_FOLDER as HISTORY_MIGRATIONS,
  SCHEMA_NAME as HISTORY_SCHEMA,
  rebuildAccountHistory,
} from "@cairn/account-history";
import { blockStoreFromClient } from "@cairn/block-store/client";
import { block_store } from "@cairn/proto";
import { createGrpcClient } from "@cairn/rpc";
import { rebuildBlockStore } from "./block-store.ts";
import { type Command, UsageError, commandLogger, loadCommandOptions, runCommand } from "./command-kit.ts";
import { natsReplayBounds } from "./nats-bounds.ts";
import { rebuildAccountHistoryOptionsSchema, rebuildBlockStoreOptionsSchema } from "./options.ts";
import { progressPrinter } from "./progress-printer.ts";

/** How long to wait for NATS or the block store. */
const CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_NATS_URL = "nats://127.0.0.1:4222";

/** `cairn rebuild block-store`: empties the block and transaction store and replays the stream into it. */
export const rebuildBlockStoreCommand: Command = (io) =>
  runCommand("cairn rebuild block-store", io, async () => {
    const o = loadCommandOptions("cairn rebuild block-store", "block-store", rebuildBlockStoreOptionsSchema, io);
    if (o.source === "chain") {
      throw new UsageError(
        "cairn rebuild block-store: --source chain is not available: the chain keeps block bodies only above the LIB and serves no block-reading RPC. Rebuild from the event stream (--source events), or keep the block store's data: it is what the chain's --reindex replays from.",
      );
    }
    const logger = commandLogger("cairn-rebuild-block-store", o.logLevel, io);
    const url = (o.natsUrl ?? DEFAULT_NATS_URL).split(",");
    const printer = progressPrinter(io.stdout, "rebuild block-store");
    let bus: EventBus | undefined;
    let db: DatabaseHandle | undefined;
    try {
      bus = createNatsEventBus({ url, stream: o.stream, subjectPrefix: o.subjectPrefix, name: "cairn-rebuild-block-store", startupTimeoutMs: CONNECT_TIMEOUT_MS }, { logger });
      await bus.start(io.signal);
      db = await openDatabase(o.databaseUrl, { logger, schemaName: BLOCK_STORE_SCHEMA, migrationsFolder: BLOCK_STORE_MIGRATIONS, signal: io.signal });
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
    const o = loadCommandOptions("cairn rebuild account-history", "account-history", rebuildAccountHistoryOptionsSchema, io);
    const logger = commandLogger("cairn-rebuild-account-history", o.logLevel, io);
    const printer = progressPrinter(io.stdout, "rebuild account-history");
    const client = createGrpcClient(block_store.BlockStoreServiceDefinition, o.blockStoreAddress, { deadlineMs: 60_000 }, { logger });
    let db: DatabaseHandle | undefined;
    try {
      await client.waitForReady(CONNECT_TIMEOUT_MS, io.signal);
      db = await openDatabase(o.databaseUrl, { logger, schemaName: HISTORY_SCHEMA, migrationsFolder: HISTORY_MIGRATIONS, signal: io.signal });
      const r = await rebuildAccountHistory(new DrizzleAccountHistoryStore(db.db), blockStoreFromClient(client), {
        batchSize: o.batchSize,
        signal: io.signal,
        onProgress: (p) => printer.report(p),
      });
      printer.end();
      io.stdout.write(`rebuild account-history: done, ${r.blocks} blocks, ${r.entries} entries, head ${r.head.height}, in ${r.seconds.toFixed(1)}s\n`);
      return 0;
    } finally {
      printer.end();
      client.close();
      await db?.close();
    }
  });
