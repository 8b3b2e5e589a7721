/**
 * `cairn events tail` and `cairn events republish` as commands: options, the NATS bus (and for
 * republish a block store gRPC client), the work (tail.ts, republish.ts), and shutdown.
 */
import { fileURLToPath } from "node:url";
import { createNatsEventBus, type EventBus } from "@cairn/bus";
import type { Logger } from "@cairn/core";
import { blockStoreFromClient } from "@cairn/block-store/client";
import { fromBase58 } from "@cairn/core";
import { block_store, contract_meta_store } from "@cairn/proto";
import { type EventAbiSource, contractMetaAbiSource, createEventDecoder, defaultJsonCodec, koinAbiSource } from "@cairn/protocol";
import { createGrpcClient } from "@cairn/rpc";
import { type Command, type CommandIo, commandLogger, loadCommandOptions, runCommand } from "../rebuild/command-kit.ts";
import { progressPrinter } from "../rebuild/progress-printer.ts";
import { deliverFromOption, republishOptionsSchema, tailOptionsSchema } from "./options.ts";
import { republishBlocks } from "./republish.ts";
import { tailEvents } from "./tail.ts";

/** Where the options' doc comments are (for `--help`). */
const OPTIONS_FILE = fileURLToPath(new URL("./options.ts", import.meta.url));

/** How long a command waits for NATS or the block store before giving up. */
const CONNECT_TIMEOUT_MS = 10_000;

/** A NATS bus on the services' stream, started (stops waiting when `io.signal` aborts). */
async function startBus(o: { natsUrl: string; stream: string; subjectPrefix: string }, name: string, logger: Logger, io: CommandIo): Promise<EventBus> {
  const bus = createNatsEventBus({ url: o.natsUrl.split(","), stream: o.stream, subjectPrefix: o.subjectPrefix, name, startupTimeoutMs: CONNECT_TIMEOUT_MS }, { logger });
  try {
    await bus.start(io.signal);
  } catch (e) {
    await bus.close().catch(() => undefined);
    throw e;
  }
  return bus;
}

/** `cairn events tail`: prints events as JSON lines until `--limit` or Ctrl-C. */
export const eventsTail: Command = (io) =>
  runCommand("cairn events tail", io, async () => {
    const o = loadCommandOptions("cairn events tail", "events-tail", tailOptionsSchema, io, {
      summary: "Follows the bus and prints one JSON line per event (contract events decoded where the ABI is known).",
      docFiles: [OPTIONS_FILE],
    });
    const logger = commandLogger("cairn-events-tail", o.logLevel, io);
    const meta = o.contractMetaAddress === undefined ? undefined : createGrpcClient(contract_meta_store.ContractMetaStoreServiceDefinition, o.contractMetaAddress, { deadlineMs: 5_000 }, { logger });
    const sources: EventAbiSource[] = [koinAbiSource(defaultJsonCodec(), o.koinAddress)];
    if (meta) sources.push(contractMetaAbiSource(async (contract) => (await meta.getContractMeta({ contract_id: fromBase58(contract) })).meta?.abi));
    const events = createEventDecoder({ sources });
    try {
      const bus = await startBus(o, "cairn-events-tail", logger, io);
      try {
        await tailEvents(bus, { subject: o.subject, from: deliverFromOption(o.from), limit: o.limit, raw: o.raw, signal: io.signal, events }, (line) => io.stdout.write(`${line}\n`));
        return 0;
      } finally {
        await bus.close();
      }
    } finally {
      meta?.close();
    }
  });

/** `cairn events republish`: publishes blocks' accept messages and event parcels again. */
export const eventsRepublish: Command = (io) =>
  runCommand("cairn events republish", io, async () => {
    const o = loadCommandOptions("cairn events republish", "events-republish", republishOptionsSchema, io, {
      summary: "Publishes blocks' koinos.block.accept and koinos.event.* again, read from the block store.",
      docFiles: [OPTIONS_FILE],
    });
    const logger = commandLogger("cairn-events-republish", o.logLevel, io);
    const client = createGrpcClient(block_store.BlockStoreServiceDefinition, o.blockStoreAddress, { deadlineMs: 60_000 }, { logger });
    let bus: EventBus | undefined;
    const printer = progressPrinter(io.stdout, "republish");
    try {
      await client.waitForReady(CONNECT_TIMEOUT_MS, io.signal);
      bus = await startBus(o, "cairn-events-republish", logger, io);
      const r = await republishBlocks(blockStoreFromClient(client), bus, {
        fromHeight: BigInt(o.fromHeight),
        toHeight: o.toHeight === undefined ? undefined : BigInt(o.toHeight),
        kinds: new Set(o.subjects),
        batchSize: o.batchSize,
        signal: io.signal,
        onProgress: (p) => printer.report(p),
      });
      printer.end();
      const range = r.blocks === 0 ? "nothing in range" : `heights ${r.from}…${r.to}, stream sequences ${r.firstSequence}…${r.lastSequence}`;
      io.stdout.write(`republish: done, ${r.blocks} blocks, ${r.messages} messages (${range}) in ${r.seconds.toFixed(1)}s\n`);
      return 0;
    } finally {
      printer.end();
      await bus?.close();
      client.close();
    }
  });
