/**
 * Options of `cairn events tail` and `cairn events republish` (flags, `CAIRN_EVENTS_TAIL_*` /
 * `CAIRN_EVENTS_REPUBLISH_*` env, the `events-tail` / `events-republish` sections of a config file).
 */
import { logLevelSchema, natsUrlSchema } from "@cairn/config";
import type { DeliverFrom } from "@cairn/bus";
import { z } from "zod";

/** Which NATS stream the events live in: as the services' bus is configured (defaults match). */
export const busOptions = {
  /** NATS server. Default `nats://127.0.0.1:4222`; `NATS_URL` is honoured. */
  natsUrl: natsUrlSchema.default("nats://127.0.0.1:4222"),
  /** JetStream stream holding the events. Default `KOINOS` (the services' default). */
  stream: z.string().min(1).default("KOINOS"),
  /** Subject prefix on the wire, when the bus was configured with one. Default none. */
  subjectPrefix: z.string().default(""),
  /** Log level (logs go to stderr). Default `warn`. */
  logLevel: logLevelSchema.default("warn"),
};

/** `cairn events tail`. */
export const tailOptionsSchema = z.object({
  ...busOptions,
  /** NATS pattern to follow. Default `koinos.>` (everything). */
  subject: z.string().min(1).default("koinos.>"),
  /** `new` (default: only what is published from now on), `all` (everything the stream holds) or a stream sequence. */
  from: z.string().regex(/^(all|new|[1-9]\d*)$/, "expected all, new or a stream sequence").default("new"),
  /** Stop after this many events. Default: run until Ctrl-C. */
  limit: z.number().int().min(1).optional(),
  /** Print payloads as base64 without decoding them. */
  raw: z.boolean().default(false),
  /** Address of the native KOIN contract, whose events are decoded. Default the Koinos mainnet address. */
  koinAddress: z.string().min(1).default("15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL"),
  /** Chain gRPC address (contract meta store) to read uploaded contracts' ABIs from. Default none: only KOIN's events are decoded. */
  contractMetaAddress: z.string().min(1).optional(),
});

/** Options of `cairn events tail` once loaded. */
export type TailCommandOptions = z.output<typeof tailOptionsSchema>;

/** `--from` as a `DeliverFrom`. */
export function deliverFromOption(from: string): DeliverFrom {
  return from === "all" || from === "new" ? from : { sequence: Number(from) };
}

/** `cairn events republish`. */
export const republishOptionsSchema = z.object({
  ...busOptions,
  /** Block store gRPC address the blocks are read from. Default `127.0.0.1:50052`. */
  blockStoreAddress: z.string().min(1).default("127.0.0.1:50052"),
  /** First height to republish (required). */
  fromHeight: z.number().int().min(1),
  /** Last height. Default: the highest block of the block store. */
  toHeight: z.number().int().min(1).optional(),
  /** Which messages: `block` (`koinos.block.accept`), `events` (`koinos.event.*` parcels). Default both. */
  subjects: z.array(z.enum(["block", "events"])).min(1).default(["block", "events"]),
  /** Blocks per block-store request and per pipelined publish. Default 100. */
  batchSize: z.number().int().min(1).max(1000).default(100),
});

/** Options of `cairn events republish` once loaded. */
export type RepublishCommandOptions = z.output<typeof republishOptionsSchema>;
