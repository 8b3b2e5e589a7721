/** The event catalog: each subject's payload type, typed encoding and decoding through it. */
import { describe, expect, test } from "bun:test";
import { silentLogger } from "@cairn/core";
import { broadcast, protocol } from "@cairn/proto";
import { CONTRACT_EVENT_PAYLOAD, EVENT_CATALOG, Subjects, contractEventMessage, decodeEvent, eventMessage, payloadTypeOf } from "./index.ts";

describe("event catalog", () => {
  test("every subject of Subjects has its payload", () => {
    for (const subject of Object.values(Subjects)) expect(EVENT_CATALOG[subject].name).toStartWith("cairn.broadcast.v1.");
  });

  test("the payload type follows the subject", () => {
    expect(payloadTypeOf("koinos.block.accept")?.name).toBe("cairn.broadcast.v1.BlockAccepted");
    expect(payloadTypeOf("koinos.mempool.block_accepted")?.name).toBe("cairn.broadcast.v1.BlockAccepted");
    expect(payloadTypeOf("koinos.event.15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL.token.transfer_event")).toBe(CONTRACT_EVENT_PAYLOAD);
    expect(payloadTypeOf("koinos.event.only")).toBeUndefined();
    expect(payloadTypeOf("koinos.block")).toBeUndefined();
  });

  test("eventMessage encodes with the subject's message; decodeEvent reads it back", () => {
    const m = eventMessage(Subjects.transactionFail, { id: new Uint8Array([1, 2]), reason: "no rc" });
    expect(m.subject).toBe("koinos.transaction.fail");
    expect(broadcast.TransactionFailed.decode(m.data).id).toEqual(new Uint8Array([1, 2]));
    expect(decodeEvent(Subjects.transactionFail, m, silentLogger())).toEqual({ id: new Uint8Array([1, 2]), reason: "no rc" });
  });

  test("eventMessage carries the payload it encoded; decodeEvent returns a message's payload instead of decoding", () => {
    const payload = { id: new Uint8Array([3]), reason: "expired" };
    const m = eventMessage(Subjects.transactionFail, payload);
    expect(m.payload).toBe(payload);
    expect(decodeEvent(Subjects.transactionFail, { subject: m.subject, data: m.data, payload }, silentLogger())).toBe(payload);
    // Without one (NATS, or a message older than the in-process log keeps payloads for), the bytes are decoded.
    const decoded = decodeEvent(Subjects.transactionFail, { subject: m.subject, data: m.data }, silentLogger());
    expect(decoded).not.toBe(payload);
    expect(decoded).toEqual(payload);
  });

  test("a payload that is not the subject's message is logged and skipped", () => {
    const errors: unknown[][] = [];
    const logger = { ...silentLogger(), error: (...a: unknown[]) => void errors.push(a) };
    expect(decodeEvent(Subjects.blockAccept, { subject: Subjects.blockAccept, data: new Uint8Array([0xff, 0xff, 0xff]) }, logger)).toBeUndefined();
    expect(errors.map(([ctx, msg]) => [(ctx as { subject: string }).subject, msg])).toEqual([["koinos.block.accept", "undecodable event skipped"]]);
  });

  test("contract events go to koinos.event.<contract>.<name> as an EventParcel; a name that cannot be a subject throws", () => {
    const parcel = broadcast.EventParcel.fromPartial({ height: 3n, event: protocol.EventData.fromPartial({ name: "token.transfer_event" }) });
    const m = contractEventMessage("15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL", "token.transfer_event", parcel);
    expect(m.subject).toBe("koinos.event.15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL.token.transfer_event");
    expect(broadcast.EventParcel.decode(m.data).height).toBe(3n);
    expect(() => contractEventMessage("15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL", "bad name", parcel)).toThrow();
  });
});
