/**
 * `tailEvents` over the in-process bus: one JSON line per message with the payload in Koinos JSON,
 * the payload type chosen by subject (every Koinos subject), unknown subjects and undecodable
 * payloads as base64; subject filters, `from`, `limit` and abort.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { toHex } from "@cairn/core";
import { createMemoryEventBus, type EventBus, type OutgoingMessage } from "@cairn/bus";
import { broadcast, protocol } from "@cairn/proto";
import { addressToBase58, createEventDecoder, defaultJsonCodec, koinAbiSource } from "@cairn/protocol";
import { createTestChain, KOIN_ID } from "@cairn/chain/testing";
import { chainMessages, recordedBlocks, type RecordedBlock } from "../rebuild/testing/chain-scenario.ts";
import type { EventLine } from "./format.ts";
import { payloadTypeOf } from "./payload-types.ts";
import { tailEvents } from "./tail.ts";

const hex = (b: Uint8Array) => `0x${toHex(b)}`;
const buses: EventBus[] = [];
afterAll(async () => {
  for (const b of buses) await b.close();
});

async function bus(): Promise<EventBus> {
  const b = createMemoryEventBus();
  await b.start();
  buses.push(b);
  return b;
}

/** Collects what `tailEvents` writes, parsed. */
async function tail(b: EventBus, options: Parameters<typeof tailEvents>[1]): Promise<EventLine[]> {
  const lines: string[] = [];
  await tailEvents(b, options, (line) => lines.push(line));
  expect(lines.every((l) => !l.includes("\n"))).toBe(true);
  return lines.map((l) => JSON.parse(l) as EventLine);
}

let blocks: RecordedBlock[];
let tx: protocol.Transaction;
let txReceipt: protocol.TransactionReceipt;

beforeAll(async () => {
  const t = await createTestChain({ chain: { irreversibleThreshold: 1 } });
  await t.produce([t.transfer(0, 1, 5n, 1n)]);
  await t.produce([t.transfer(1, 2, 7n, 1n)]);
  blocks = recordedBlocks(t);
  tx = blocks[1]!.block.transactions[0]!;
  txReceipt = blocks[1]!.receipt.transaction_receipts[0]!;
});

describe("tailEvents", () => {
  test("prints every Koinos subject as Koinos JSON, unknown subjects and bad payloads as base64", async () => {
    const b = await bus();
    const messages: OutgoingMessage[] = [
      ...chainMessages(blocks[1]!), // irreversible, accept, forks, one transfer event parcel
      { subject: "koinos.transaction.accept", data: broadcast.TransactionAccepted.encode({ transaction: tx, receipt: txReceipt, height: 2n, system_disk_storage_used: 0n, system_network_bandwidth_used: 0n, system_compute_bandwidth_used: 0n }).finish() },
      { subject: "koinos.transaction.fail", data: broadcast.TransactionFailed.encode({ id: tx.id, reason: "" }).finish() },
      { subject: "koinos.mempool.accept", data: broadcast.MempoolAccepted.encode({ transaction: tx, receipt: txReceipt, height: 2n, pending_rc_used: 123n }).finish() },
      { subject: "koinos.gossip.status", data: broadcast.GossipStatus.encode({ enabled: true }).finish() },
      { subject: "koinos.custom.thing", data: Uint8Array.of(1, 2, 250) },
      { subject: "koinos.block.accept", data: Uint8Array.of(0xff, 0xff, 0xff) },
    ];
    expect(messages.map((m) => m.subject).slice(0, 4)).toEqual(["koinos.block.irreversible", "koinos.block.accept", "koinos.block.forks", `koinos.event.${addressToBase58(KOIN_ID)}.token.transfer_event`]);
    await b.publishMany(messages);
    const lines = await tail(b, { subject: "koinos.>", from: "all", limit: messages.length });
    expect(lines.map((l) => [l.subject, l.sequence])).toEqual(messages.map((m, i) => [m.subject, i + 1]));
    const [irreversible, accept, forks, parcel, txAccept, txFail, mempool, gossip, unknown, bad] = lines.map((l) => l.payload as Record<string, any> | undefined);
    const block = blocks[1]!.block;

    expect(irreversible).toEqual({ topology: { height: "1" } } as never);
    expect(accept!.block.id).toBe(hex(block.id));
    expect(accept!.block.header.height).toBe("2");
    expect(accept!.block.header.previous).toBe(hex(blocks[0]!.block.id));
    expect(accept!.block.transactions[0].id).toBe(hex(tx.id));
    expect(accept!.receipt.id).toBe(hex(block.id));
    expect(accept!.head).toBe(true);
    expect(accept!.live).toBe(true);
    expect(forks!.heads).toEqual([{ id: hex(block.id), height: "2", previous: hex(blocks[0]!.block.id) }]);
    expect(parcel).toMatchObject({ block_id: hex(block.id), height: "2", transaction_id: hex(tx.id), event: { source: addressToBase58(KOIN_ID), name: "token.transfer_event" } });
    expect(parcel!.event.impacted).toHaveLength(2);
    expect(txAccept).toMatchObject({ transaction: { id: hex(tx.id) }, receipt: { id: hex(tx.id) }, height: "2" });
    expect(txFail).toEqual({ id: hex(tx.id) });
    expect(mempool).toMatchObject({ transaction: { id: hex(tx.id) }, height: "2", pending_rc_used: "123" });
    expect(gossip).toEqual({ enabled: true });
    expect(unknown).toBeUndefined();
    expect(lines[8]!.payload_base64).toBe(Buffer.from([1, 2, 250]).toString("base64"));
    expect(bad).toBeUndefined();
    expect(lines[9]!.payload_base64).toBe("////");
    expect(lines[9]!.error).toContain("cairn.broadcast.v1.BlockAccepted");
  });

  test("with an event decoder, KOIN's events gain `decoded` in parcels and receipts (raw data kept)", async () => {
    const b = await bus();
    const messages = chainMessages(blocks[1]!);
    await b.publishMany(messages);
    const koin = addressToBase58(KOIN_ID);
    const events = createEventDecoder({ sources: [koinAbiSource(defaultJsonCodec(), koin)] });
    const lines = await tail(b, { from: "all", limit: messages.length, events });
    const parcel = lines.find((l) => l.subject.startsWith("koinos.event."))!.payload as Record<string, any>;
    expect(parcel.event.data).toBeString();
    expect(parcel.event.decoded).toEqual({ from: expect.any(String), to: expect.any(String), value: "7" });
    const accept = lines.find((l) => l.subject === "koinos.block.accept")!.payload as Record<string, any>;
    expect(accept.receipt.transaction_receipts[0].events[0].decoded.value).toBe("7");
  });

  test("--raw prints every payload as base64", async () => {
    const b = await bus();
    const messages = chainMessages(blocks[0]!);
    await b.publishMany(messages);
    const lines = await tail(b, { from: "all", limit: messages.length, raw: true });
    expect(lines.map((l) => l.payload_base64)).toEqual(messages.map((m) => Buffer.from(m.data).toString("base64")));
    expect(lines.every((l) => l.payload === undefined)).toBe(true);
  });

  test("a subject filter, a start sequence and a limit", async () => {
    const b = await bus();
    await b.publishMany([...chainMessages(blocks[0]!), ...chainMessages(blocks[1]!)]);
    const accepts = await tail(b, { subject: "koinos.block.accept", from: "all", limit: 2 });
    expect(accepts.map((l) => l.payload!.block)).toEqual([expect.objectContaining({ id: hex(blocks[0]!.block.id) }), expect.objectContaining({ id: hex(blocks[1]!.block.id) })]);
    const events = await tail(b, { subject: "koinos.event.>", from: "all", limit: 2 });
    expect(events.map((l) => l.payload!.transaction_id)).toEqual([hex(blocks[0]!.block.transactions[0]!.id), hex(tx.id)]);
    const fromSecond = await tail(b, { subject: "koinos.block.accept", from: { sequence: accepts[1]!.sequence }, limit: 1 });
    expect(fromSecond.map((l) => l.sequence)).toEqual([accepts[1]!.sequence]);
  });

  test("`new` waits for messages published after it subscribed; abort ends the tail cleanly", async () => {
    const b = await bus();
    await b.publishMany(chainMessages(blocks[0]!));
    const abort = new AbortController();
    const lines: string[] = [];
    const running = tailEvents(b, { from: "new", signal: abort.signal }, (line) => lines.push(line));
    await Bun.sleep(20);
    expect(lines).toEqual([]);
    await b.publishMany(chainMessages(blocks[1]!));
    const deadline = Date.now() + 5_000;
    while (lines.length < 4 && Date.now() < deadline) await Bun.sleep(5);
    abort.abort();
    expect(await running).toEqual({ count: 4, reason: "aborted" });
    expect(lines.map((l) => (JSON.parse(l) as EventLine).subject)[1]).toBe("koinos.block.accept");
  });

  test("the payload type follows the subject", () => {
    expect(payloadTypeOf("koinos.block.accept")).toBe("cairn.broadcast.v1.BlockAccepted");
    expect(payloadTypeOf("koinos.mempool.block_accepted")).toBe("cairn.broadcast.v1.BlockAccepted");
    expect(payloadTypeOf("koinos.event.15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL.token.transfer_event")).toBe("cairn.broadcast.v1.EventParcel");
    expect(payloadTypeOf("koinos.event.only")).toBeUndefined();
    expect(payloadTypeOf("koinos.block")).toBeUndefined();
  });
});
